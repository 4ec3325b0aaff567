package dev.sharelinks.audit.trail;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A link's whole story as the replayed events tell it. Fields the replay did not see are empty: a replay from a
 * given time may see a link's downloads without its creation.
 *
 * @param sharedTo every recipient it was mailed to, in the order of the shares
 * @param downloads how many downloads were granted
 * @param downloadedBy every recipient who downloaded through the URL their mail carried, in the order of their first
 *     download; a download through the plain URL is nobody's
 * @param repeats how many times a person got a download again within its receipt's grace period, spending nothing
 * @param remaining the downloads left: the count the last download reported, or the limit if none
 */
@JsonPropertyOrder({
    "linkId",
    "accountId",
    "mediaId",
    "assetId",
    "filename",
    "createdAt",
    "expiresAt",
    "downloadLimit",
    "shares",
    "sharedTo",
    "downloads",
    "downloadedBy",
    "repeats",
    "remaining",
    "firstDownloadAt",
    "lastDownloadAt",
    "revokedAt"
})
public record LinkSummary(
        long linkId,
        @Nullable Long accountId,
        @Nullable Long mediaId,
        @Nullable String assetId,
        @Nullable String filename,
        @Nullable Instant createdAt,
        @Nullable Instant expiresAt,
        @Nullable Integer downloadLimit,
        int shares,
        List<String> sharedTo,
        int downloads,
        List<String> downloadedBy,
        int repeats,
        @Nullable Integer remaining,
        @Nullable Instant firstDownloadAt,
        @Nullable Instant lastDownloadAt,
        @Nullable Instant revokedAt) {}
