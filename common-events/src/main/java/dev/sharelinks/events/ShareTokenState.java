package dev.sharelinks.events;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a share token is after a create or an update, including the media's files as they were then, so the
 * redirector can serve the token's public URL without asking token-api.
 *
 * @param suffix appended to the token value, without separator, to form the public path
 * @param manualActivate the token is switched on by hand: active whatever the dates
 * @param activationDate without manual activation, the token is active from this instant (always, if absent)
 * @param deactivationDate without manual activation, the token is active strictly before this instant
 * @param original the media's original file, served for {@link ExportDefinition#HD}
 * @param lowDefinition the media's low-definition rendition, served for {@link ExportDefinition#BD}; absent if
 *     the media has none
 * @param publicUrl the token's public URL: the redirector's base, {@code /share/}, the value and the suffix
 */
public record ShareTokenState(
        String tokenValue,
        @Nullable String suffix,
        long mediaId,
        String title,
        ExportDefinition exportDefinition,
        boolean manualActivate,
        @Nullable Instant activationDate,
        @Nullable Instant deactivationDate,
        long templateId,
        long templateDomainId,
        MediaFile original,
        @Nullable MediaFile lowDefinition,
        String publicUrl) {

    public ShareTokenState {
        Objects.requireNonNull(tokenValue, "tokenValue");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(exportDefinition, "exportDefinition");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(publicUrl, "publicUrl");
    }

    /** The part of the public URL after {@code /share/}: the value with the suffix appended. */
    public String publicPath() {
        return suffix == null ? tokenValue : tokenValue + suffix;
    }
}
