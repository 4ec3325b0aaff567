package dev.sharelinks.events;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The redirector handed out a download through a share token's public URL. Tokens have no download limit; the
 * event is the audit record. The envelope's {@code occurredAt} is the time of the download.
 */
public record ShareTokenDownloaded(
        long tokenId,
        String tokenValue,
        long mediaId,
        ExportDefinition exportDefinition,
        @Nullable String clientAddress,
        @Nullable String userAgent) {

    public ShareTokenDownloaded {
        Objects.requireNonNull(tokenValue, "tokenValue");
        Objects.requireNonNull(exportDefinition, "exportDefinition");
    }
}
