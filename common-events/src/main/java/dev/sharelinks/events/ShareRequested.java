package dev.sharelinks.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An account asked for links to be mailed to recipients. Self-contained, so the mailer reads no other service.
 *
 * @param message the sender's optional note, as typed (the mailer escapes it)
 */
public record ShareRequested(
        long shareId, long accountId, List<String> recipients, @Nullable String message, List<SharedLink> links) {

    public ShareRequested {
        recipients = List.copyOf(Objects.requireNonNull(recipients, "recipients"));
        links = List.copyOf(Objects.requireNonNull(links, "links"));
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
