package dev.sharelinks.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An account asked for links to be mailed to recipients. Self-contained, so the mailer reads no other service.
 *
 * @param message the sender's optional note, as typed (the mailer escapes it)
 * @param recipientRefs per recipient, in the same order, the opaque reference its mail adds to every link's URL, so
 *     that its downloads are attributed to it (docs/contracts.md, "Download log"); null in events written before
 *     references existed, whose mails carry the plain URLs
 */
public record ShareRequested(long shareId, long accountId, List<String> recipients, @Nullable String message,
        List<SharedLink> links, @Nullable List<String> recipientRefs) {

    public ShareRequested {
        recipients = List.copyOf(Objects.requireNonNull(recipients, "recipients"));
        links = List.copyOf(Objects.requireNonNull(links, "links"));
        if (recipientRefs != null) {
            recipientRefs = List.copyOf(recipientRefs);
            if (recipientRefs.size() != recipients.size()) {
                throw new IllegalArgumentException("one reference per recipient: " + recipientRefs.size()
                        + " for " + recipients.size());
            }
        }
    }

    /** A share whose mails carry the plain URLs. */
    public ShareRequested(long shareId, long accountId, List<String> recipients, @Nullable String message,
            List<SharedLink> links) {
        this(shareId, accountId, recipients, message, links, null);
    }

    /** The reference of the recipient at {@code index} in {@link #recipients}, or null if the share has none. */
    public @Nullable String recipientRef(int index) {
        return recipientRefs == null ? null : recipientRefs.get(index);
    }

    /** One link of a share, as the recipient will see it. */
    public record SharedLink(long linkId, String url, String filename, Instant expiresAt) {

        public SharedLink {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(filename, "filename");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }
}
