package dev.sharelinks.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An account asked for links to be mailed to recipients. Self-contained, so the mailer reads no other service. v2
 * carries the links' URLs sealed (v1 in the clear), and reads v1 as it is.
 *
 * @param message the sender's optional note, as typed (the mailer escapes it)
 * @param recipientRefs per recipient, in the same order, the opaque reference its mail adds to every link's URL, so
 *     that its downloads are attributed to it (docs/contracts.md, "Download log"); null in events written before
 *     references existed, whose mails carry the plain URLs
 * @param sender who the mail says shared the files; null in events written before it was said
 * @param locale the language of the mail ({@code en}, {@code fi}, {@code fr}, {@code de}): the share request's, else
 *     the account's; null in events written before languages, mailed in English
 * @param branding the account's look for its mails; null for an account that set none, and in events written before
 *     branding (mailed in Sharelinks' own look)
 */
public record ShareRequested(
        long shareId,
        long accountId,
        List<String> recipients,
        @Nullable String message,
        List<SharedLink> links,
        @Nullable List<String> recipientRefs,
        @Nullable Sender sender,
        @Nullable String locale,
        @Nullable Branding branding) {

    /** The languages a share mail can be written in; the first is the default. */
    public static final List<String> LOCALES = List.of("en", "fi", "fr", "de");

    public ShareRequested {
        recipients = List.copyOf(Objects.requireNonNull(recipients, "recipients"));
        links = List.copyOf(Objects.requireNonNull(links, "links"));
        if (recipientRefs != null) {
            recipientRefs = List.copyOf(recipientRefs);
            if (recipientRefs.size() != recipients.size()) {
                throw new IllegalArgumentException(
                        "one reference per recipient: " + recipientRefs.size() + " for " + recipients.size());
            }
        }
    }

    /** A share in the mailer's own look. */
    public ShareRequested(
            long shareId,
            long accountId,
            List<String> recipients,
            @Nullable String message,
            List<SharedLink> links,
            @Nullable List<String> recipientRefs,
            @Nullable Sender sender,
            @Nullable String locale) {
        this(shareId, accountId, recipients, message, links, recipientRefs, sender, locale, null);
    }

    /** A share whose mails carry the plain URLs, in English, naming no sender. */
    public ShareRequested(
            long shareId, long accountId, List<String> recipients, @Nullable String message, List<SharedLink> links) {
        this(shareId, accountId, recipients, message, links, null, null, null, null);
    }

    /** A share in English naming no sender. */
    public ShareRequested(
            long shareId,
            long accountId,
            List<String> recipients,
            @Nullable String message,
            List<SharedLink> links,
            @Nullable List<String> recipientRefs) {
        this(shareId, accountId, recipients, message, links, recipientRefs, null, null, null);
    }

    /** This share with other links (the mailer's, with their URLs opened). */
    public ShareRequested withLinks(List<SharedLink> others) {
        return new ShareRequested(
                shareId, accountId, recipients, message, others, recipientRefs, sender, locale, branding);
    }

    /** The reference of the recipient at {@code index} in {@link #recipients}, or null if the share has none. */
    public @Nullable String recipientRef(int index) {
        return recipientRefs == null ? null : recipientRefs.get(index);
    }

    /**
     * One link of a share, as the recipient will see it.
     *
     * @param url the link's URL in the clear: in v1 events only
     * @param sealedUrl the link's URL sealed with link-api's sealing key, which the mailer holds too
     *     ({@code LINK_SEALING_KEYS}): what v2 events carry instead, so that no topic reader but the mailer can use it
     * @param downloads the downloads the link had left when shared; null in events written before it was said
     */
    public record SharedLink(
            long linkId,
            @Nullable String url,
            @Nullable String sealedUrl,
            String filename,
            Instant expiresAt,
            @Nullable Integer downloads) {

        public SharedLink {
            if ((url == null) == (sealedUrl == null)) {
                throw new IllegalArgumentException("a shared link has either its URL or its sealed URL");
            }
            Objects.requireNonNull(filename, "filename");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        /** A link with its URL in the clear, as v1 events carried it and as a mail is written. */
        public SharedLink(long linkId, String url, String filename, Instant expiresAt, @Nullable Integer downloads) {
            this(linkId, url, null, filename, expiresAt, downloads);
        }

        public SharedLink(long linkId, String url, String filename, Instant expiresAt) {
            this(linkId, url, filename, expiresAt, null);
        }

        /** A link whose URL is sealed, as link-api writes it. */
        public static SharedLink sealed(
                long linkId, String sealedUrl, String filename, Instant expiresAt, @Nullable Integer downloads) {
            return new SharedLink(linkId, null, sealedUrl, filename, expiresAt, downloads);
        }

        /** This link with its URL in the clear (the mailer's, once it opened the sealed one). */
        public SharedLink withUrl(String openedUrl) {
            return new SharedLink(linkId, openedUrl, filename, expiresAt, downloads);
        }
    }

    /**
     * Who shared, as the mail names them.
     *
     * @param accountName the account's display name
     * @param name the sharing person's name, when the request gave it ({@code sender_name})
     * @param replyTo the address replies go to, when the request gave it ({@code reply_to})
     */
    public record Sender(
            String accountName,
            @Nullable String name,
            @Nullable String replyTo) {

        public Sender {
            Objects.requireNonNull(accountName, "accountName");
        }
    }

    /**
     * How an account's mails look (set through link-api's admin API); each part null when the account set none.
     *
     * @param logoUrl an https URL of the account's logo, shown above the mail (the mail's only external resource)
     * @param accentColor the buttons' and the quote's colour, {@code #rrggbb}, dark enough for white text on it
     * @param footerText a line the account adds to every mail's footer (its address, a legal note)
     */
    public record Branding(
            @Nullable String logoUrl,
            @Nullable String accentColor,
            @Nullable String footerText) {}
}
