package dev.sharelinks.events;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a share token is after a create or an update, including the media's files as they were then, so the
 * redirector can serve the token's public URL without asking token-api.
 *
 * @param pathDigest the SHA-256 (hex, {@link CapabilityDigests#hex}) of the token's public path, its value with the
 *     suffix appended: what the redirector looks a visit up by. Never the value itself, a capability (v1 carried the
 *     value and the public URL, and reads as the path's digest without them)
 * @param suffix appended to the token value, without separator, to form the public path
 * @param manualActivate the token is switched on by hand: active whatever the dates
 * @param activationDate without manual activation, the token is active from this instant (always, if absent)
 * @param deactivationDate without manual activation, the token is active strictly before this instant
 * @param original the media's original file, served for {@link ExportDefinition#HD}
 * @param lowDefinition the media's low-definition rendition, served for {@link ExportDefinition#BD}; absent if
 *     the media has none
 */
public record ShareTokenState(
        String pathDigest,
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
        @Nullable MediaFile lowDefinition) {

    public ShareTokenState {
        Objects.requireNonNull(pathDigest, "pathDigest");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(exportDefinition, "exportDefinition");
        Objects.requireNonNull(original, "original");
    }

    /** The part of a token's public URL after {@code /share/}: its value with its suffix appended. */
    public static String publicPath(String tokenValue, @Nullable String suffix) {
        return suffix == null ? tokenValue : tokenValue + suffix;
    }
}
