package dev.sharelinks.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.infra.SmtpServer;
import dev.sharelinks.stack.LocalStack;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The share mails a stack's SMTP server received, as the recipients read them. */
final class ShareMails {

    private ShareMails() {}

    /**
     * The link's URL as the mail to {@code recipient} carries it (with the recipient's reference), in its text part
     * and in its HTML part alike.
     */
    static String mailedUrl(LocalStack stack, String recipient, String url) {
        Pattern mailed = Pattern.compile(Pattern.quote(url) + "\\?ref=[A-Za-z0-9_-]{22}");
        SmtpServer.ReceivedMail mail = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> stack.smtp().received().stream()
                                .filter(m -> m.recipient().equals(recipient))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        Matcher text = mailed.matcher(part(mail.message(), "text/plain"));
        assertThat(text.find())
                .as("a URL with a reference in the mail to " + recipient)
                .isTrue();
        assertThat(part(mail.message(), "text/html")).contains("href=\"" + text.group() + "\"");
        return text.group();
    }

    /** The first body part of that MIME type, or "" if the mail has none. */
    static String part(Part part, String type) {
        try {
            if (part.isMimeType(type)) {
                return (String) part.getContent();
            }
            if (part.getContent() instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart body = multipart.getBodyPart(i);
                    String found = part(body, type);
                    if (!found.isEmpty()) {
                        return found;
                    }
                }
            }
            return "";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
