package dev.sharelinks.events;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The redirector handed out a download through a share token's public URL. Tokens have no download limit; the
 * event is the audit record. The envelope's {@code occurredAt} is the time of the download. v1 also carried the
 * token's value, a capability, which reads as absent: the token id names the token.
 */
public record ShareTokenDownloaded(
        long tokenId,
        long mediaId,
        ExportDefinition exportDefinition,
        @Nullable String clientAddress,
        @Nullable String userAgent) {

    public ShareTokenDownloaded {
        Objects.requireNonNull(exportDefinition, "exportDefinition");
    }
}
