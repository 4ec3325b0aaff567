package dev.sharelinks.mailer.delivery;

import dev.sharelinks.events.ShareRequested;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The text and HTML bodies of one recipient's share mail. The sender's message is shown as typed, never as markup;
 * each link's URL carries the recipient's reference, so downloads through it are attributed to that recipient.
 */
final class ShareMail {

    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private ShareMail() {
    }

    static String text(ShareRequested share, @Nullable String recipientRef) {
        StringBuilder text = new StringBuilder("Hello,\n\nFiles have been shared with you.\n");
        if (share.message() != null && !share.message().isBlank()) {
            text.append("\nMessage from the sender:\n").append(share.message().strip()).append('\n');
        }
        text.append('\n');
        for (ShareRequested.SharedLink link : share.links()) {
            text.append("- ").append(link.filename())
                    .append(" (").append(availability(link.expiresAt())).append(")\n  ")
                    .append(url(link, recipientRef)).append('\n');
        }
        return text.toString();
    }

    static String html(ShareRequested share, @Nullable String recipientRef) {
        StringBuilder html = new StringBuilder(
                "<!DOCTYPE html><html><body><p>Hello,</p><p>Files have been shared with you.</p>");
        if (share.message() != null && !share.message().isBlank()) {
            html.append("<p>Message from the sender:</p><blockquote style=\"white-space: pre-wrap\">")
                    .append(HtmlUtils.htmlEscape(share.message().strip())).append("</blockquote>");
        }
        html.append("<ul>");
        for (ShareRequested.SharedLink link : share.links()) {
            html.append("<li><a href=\"").append(HtmlUtils.htmlEscape(url(link, recipientRef))).append("\">")
                    .append(HtmlUtils.htmlEscape(link.filename())).append("</a> (")
                    .append(availability(link.expiresAt())).append(")</li>");
        }
        return html.append("</ul></body></html>").toString();
    }

    /** The link's URL with the recipient's reference; the plain URL for a share without references. */
    static String url(ShareRequested.SharedLink link, @Nullable String recipientRef) {
        return recipientRef == null ? link.url()
                : UriComponentsBuilder.fromUriString(link.url()).queryParam("ref", recipientRef).build().toUriString();
    }

    /**
     * A link created with an expiry date expires at the next midnight UTC: say "through" that date, as the sender
     * wrote it, rather than "until" the following midnight.
     */
    static String availability(Instant expiresAt) {
        if (expiresAt.atOffset(ZoneOffset.UTC).toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return "available through " + DAY.format(expiresAt.minusSeconds(1)) + ", UTC";
        }
        return "available until " + MOMENT.format(expiresAt);
    }
}
