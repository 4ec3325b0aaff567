package dev.sharelinks.mailer.delivery;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A mail whose Message-ID is derived from the share event and the recipient instead of drawn at random. The one
 * mail the mailer can send twice is the one in flight when it dies after the SMTP server took it and before the
 * delivery log recorded that; resent, it carries the same Message-ID, which mail servers and clients use to
 * recognise one message delivered twice.
 */
final class StableIdMessage extends MimeMessage {

    private final String messageId;

    StableIdMessage(Session session, UUID eventId, String recipient) {
        super(session);
        this.messageId = "<" + eventId + "." + recipientDigest(recipient) + "@sharelinks.mailer>";
    }

    @Override
    protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
    }

    /** The address stays out of the header: a digest is stable and says nothing. */
    private static String recipientDigest(String recipient) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(recipient.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
