package dev.sharelinks.mailer.delivery;

import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.ShareRequested.SharedLink;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.context.MessageSource;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What one recipient's share mail says, in the share's language: a subject naming who shared, and text and HTML
 * bodies with the sender, their message (shown as typed, never as markup), and each file with what it allows and a
 * button. The words are in {@code mail/messages_<language>.properties}; each link's URL carries the recipient's
 * reference, so downloads through it are attributed to that recipient.
 */
@Component
class ShareMail {

    /** Sharelinks' own accent, for an account that set none: white text on it has 6.3:1 contrast. */
    private static final String ACCENT = "#1f5fbf";

    private static final String FOOTER = "<p class=\"footer\" style=\"font-size:13px;color:#595959\">";

    private final MessageSource messages;

    ShareMail() {
        ResourceBundleMessageSource bundles = new ResourceBundleMessageSource();
        bundles.setBasename("mail/messages");
        bundles.setDefaultEncoding("UTF-8");
        bundles.setFallbackToSystemLocale(false);
        // one quoting rule for every message, with arguments or without: a quote is written ''
        bundles.setAlwaysUseMessageFormat(true);
        this.messages = bundles;
    }

    /** The share's language; English for a share that names none (one written before languages) or another. */
    static Locale locale(ShareRequested share) {
        String language = share.locale() != null && ShareRequested.LOCALES.contains(share.locale())
                ? share.locale()
                : ShareRequested.LOCALES.get(0);
        // British English writes "12 December 2026", as the other three languages order a date
        return language.equals("en") ? Locale.UK : Locale.forLanguageTag(language);
    }

    String subject(ShareRequested share) {
        Locale locale = locale(share);
        ShareRequested.Sender sender = share.sender();
        if (sender == null) {
            return say(locale, "subject.anonymous");
        }
        return say(
                locale,
                "subject",
                oneLine(sender.name() != null ? sender.name() : sender.accountName()),
                share.links().size());
    }

    String text(ShareRequested share, String recipient, @Nullable String recipientRef) {
        Locale locale = locale(share);
        StringBuilder text = new StringBuilder(say(locale, "greeting"))
                .append("\n\n")
                .append(intro(share, locale))
                .append('\n');
        if (share.message() != null && !share.message().isBlank()) {
            text.append('\n')
                    .append(say(locale, "message"))
                    .append('\n')
                    .append(share.message().strip())
                    .append('\n');
        }
        text.append('\n');
        for (SharedLink link : share.links()) {
            text.append("- ")
                    .append(link.filename())
                    .append(": ")
                    .append(allows(link, locale))
                    .append("\n  ")
                    .append(url(link, recipientRef))
                    .append('\n');
        }
        String replyTo = replyTo(share);
        if (replyTo != null) {
            text.append('\n').append(say(locale, "reply", replyTo)).append('\n');
        }
        text.append("\n-- \n").append(footer(share, recipient, locale)).append('\n');
        String accountFooter = accountFooter(share);
        if (accountFooter != null) {
            text.append(accountFooter).append('\n');
        }
        return text.toString();
    }

    /**
     * Table layout and inline styles, as the common mail clients render them; no external resource but the
     * account's logo, when it set one; the button is a link, so it works where styles are stripped. The account's
     * accent colours the buttons and the quote.
     */
    String html(ShareRequested share, String recipient, @Nullable String recipientRef) {
        Locale locale = locale(share);
        String accent = accent(share);
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html lang=\"")
                .append(locale.getLanguage())
                .append("\"><head><meta charset=\"utf-8\"><meta name=\"color-scheme\" content=\"light dark\">")
                .append("<title>")
                .append(escape(subject(share)))
                .append("</title>")
                // colours set both ways, so no client guesses them; clients with a dark mode and style support take
                // the dark ones (the buttons keep the accent, with white text, in both)
                .append("<style>@media (prefers-color-scheme: dark) { .mail { background-color: #17191d !important; ")
                .append("color: #e6e8eb !important; } .footer { color: #b3b3b3 !important; } }</style></head>")
                .append("<body style=\"margin:0;padding:0\">")
                .append("<table role=\"presentation\" class=\"mail\" width=\"100%\" cellpadding=\"0\" ")
                .append("cellspacing=\"0\" style=\"background-color:#ffffff;color:#1b1f24\">");
        String logoUrl = share.branding() == null ? null : share.branding().logoUrl();
        if (logoUrl != null) {
            // the logo names the account for those who do not see it (and for clients that block images)
            String account =
                    share.sender() == null ? "" : oneLine(share.sender().accountName());
            html.append("<tr><td style=\"padding:24px 24px 0 24px\"><img src=\"")
                    .append(escape(logoUrl))
                    .append("\" alt=\"")
                    .append(escape(account))
                    .append("\" height=\"48\" style=\"display:block;height:48px;width:auto;border:0\"></td></tr>");
        }
        html.append("<tr><td style=\"padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:16px;")
                .append("line-height:1.5\">")
                .append("<p>")
                .append(escape(say(locale, "greeting")))
                .append("</p>")
                .append("<p>")
                .append(escape(intro(share, locale)))
                .append("</p>");
        if (share.message() != null && !share.message().isBlank()) {
            html.append("<p>")
                    .append(escape(say(locale, "message")))
                    .append("</p>")
                    .append("<blockquote style=\"white-space:pre-wrap;margin:0 0 16px 0;padding-left:12px;")
                    .append("border-left:3px solid ")
                    .append(accent)
                    .append("\">")
                    .append(escape(share.message().strip()))
                    .append("</blockquote>");
        }
        html.append("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\">");
        for (SharedLink link : share.links()) {
            String url = escape(url(link, recipientRef));
            String download = say(locale, "download");
            html.append("<tr><td style=\"padding:8px 0\"><strong>")
                    .append(escape(link.filename()))
                    .append("</strong><br>")
                    .append(escape(allows(link, locale)))
                    .append("<br>")
                    .append("<a href=\"")
                    .append(url)
                    .append("\" aria-label=\"")
                    .append(escape(download + " " + link.filename()))
                    .append("\" style=\"display:inline-block;margin-top:6px;padding:8px 16px;background:")
                    .append(accent)
                    .append(";color:#ffffff;text-decoration:none;border-radius:4px\">")
                    .append(escape(download))
                    .append("</a></td></tr>");
        }
        html.append("</table>");
        String replyTo = replyTo(share);
        if (replyTo != null) {
            html.append("<p>").append(escape(say(locale, "reply", replyTo))).append("</p>");
        }
        html.append(FOOTER).append(escape(footer(share, recipient, locale))).append("</p>");
        String accountFooter = accountFooter(share);
        if (accountFooter != null) {
            html.append(FOOTER).append(escape(accountFooter)).append("</p>");
        }
        return html.append("</td></tr></table></body></html>").toString();
    }

    /** The account's accent colour, else Sharelinks' own. */
    private static String accent(ShareRequested share) {
        ShareRequested.Branding branding = share.branding();
        // link-api lets only #rrggbb through; anything else an event holds must not reach a style attribute
        return branding != null
                        && branding.accentColor() != null
                        && branding.accentColor().matches("#[0-9a-fA-F]{6}")
                ? branding.accentColor()
                : ACCENT;
    }

    /** The line the account adds to its mails' footer, if any. */
    private static @Nullable String accountFooter(ShareRequested share) {
        ShareRequested.Branding branding = share.branding();
        return branding == null
                        || branding.footerText() == null
                        || branding.footerText().isBlank()
                ? null
                : oneLine(branding.footerText());
    }

    /**
     * The link's URL with the recipient's reference; the plain URL for a share without references. The link's URL
     * is in the clear: {@link ShareUrls} opened it.
     */
    static String url(SharedLink link, @Nullable String recipientRef) {
        String url = Objects.requireNonNull(link.url(), "the link's URL, opened");
        return recipientRef == null
                ? url
                : UriComponentsBuilder.fromUriString(url)
                        .queryParam("ref", recipientRef)
                        .build()
                        .toUriString();
    }

    /**
     * "3 downloads, available through 12 December 2026 (UTC)". A link created with an expiry date expires at the next
     * midnight UTC: say "through" that date, as the sender wrote it, rather than "until" the following midnight.
     */
    String allows(SharedLink link, Locale locale) {
        Instant expiresAt = link.expiresAt();
        String available = expiresAt.atOffset(ZoneOffset.UTC).toLocalTime().equals(LocalTime.MIDNIGHT)
                ? say(
                        locale,
                        "available.through",
                        DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG)
                                .withLocale(locale)
                                .withZone(ZoneOffset.UTC)
                                .format(expiresAt.minusSeconds(1)))
                : say(
                        locale,
                        "available.until",
                        DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
                                .withLocale(locale)
                                .withZone(ZoneOffset.UTC)
                                .format(expiresAt));
        return link.downloads() == null ? available : say(locale, "downloads", link.downloads()) + ", " + available;
    }

    private String intro(ShareRequested share, Locale locale) {
        ShareRequested.Sender sender = share.sender();
        int files = share.links().size();
        if (sender == null) {
            return say(locale, "intro.anonymous");
        }
        String account = oneLine(sender.accountName());
        return sender.name() == null || sender.name().equals(sender.accountName())
                ? say(locale, "intro", account, files)
                : say(locale, "intro.on-behalf", oneLine(sender.name()), files, account);
    }

    private String footer(ShareRequested share, String recipient, Locale locale) {
        return share.sender() == null
                ? say(locale, "footer.anonymous", "", recipient)
                : say(locale, "footer", oneLine(share.sender().accountName()), recipient);
    }

    static @Nullable String replyTo(ShareRequested share) {
        return share.sender() == null ? null : share.sender().replyTo();
    }

    private String say(Locale locale, String key, Object... arguments) {
        return messages.getMessage(key, arguments, locale);
    }

    private static String escape(String text) {
        return HtmlUtils.htmlEscape(text);
    }

    /** A name as a header or a line shows it: no line breaks or other control characters, whatever an event holds. */
    static String oneLine(String name) {
        return name.replaceAll("\\p{Cntrl}", " ").strip();
    }
}
