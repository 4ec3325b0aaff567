package dev.sharelinks.audit.trail;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A share token's whole story as the replayed events tell it; the title and export definition are its last ones.
 *
 * @param updates how many times it was replaced (or re-announced after its media's files changed)
 */
@JsonPropertyOrder({
    "tokenId",
    "mediaId",
    "title",
    "exportDefinition",
    "createdAt",
    "createdBy",
    "updates",
    "lastUpdatedAt",
    "downloads",
    "firstDownloadAt",
    "lastDownloadAt",
    "deletedAt",
    "deletedBy"
})
public record TokenSummary(
        long tokenId,
        @Nullable Long mediaId,
        @Nullable String title,
        @Nullable String exportDefinition,
        @Nullable Instant createdAt,
        @Nullable Long createdBy,
        int updates,
        @Nullable Instant lastUpdatedAt,
        int downloads,
        @Nullable Instant firstDownloadAt,
        @Nullable Instant lastDownloadAt,
        @Nullable Instant deletedAt,
        @Nullable Long deletedBy) {}
