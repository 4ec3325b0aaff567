package dev.sharelinks.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A shareable link was created. Carries everything the redirector needs to redeem it without asking link-api.
 *
 * @param key the unguessable part of the public URL
 * @param expiresAt the link is redeemable strictly before this instant
 * @param downloadLimit how many downloads the link grants in total
 * @param url the public redeem URL as returned to the client
 */
public record LinkCreated(
        long linkId,
        String key,
        long accountId,
        long mediaId,
        String assetId,
        String bucket,
        String objectKey,
        String filename,
        Instant expiresAt,
        int downloadLimit,
        String url) {

    public LinkCreated {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(assetId, "assetId");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(objectKey, "objectKey");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(url, "url");
    }
}
