package dev.sharelinks.events;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A shareable link was created. Carries everything the redirector needs to redeem it without asking link-api.
 *
 * @param key the unguessable part of the public URL
 * @param expiresAt the link is redeemable strictly before this instant
 * @param downloadLimit how many downloads the link grants in total
 * @param url the public redeem URL as returned to the client
 * @param landingPage present when a GET of the link shows a page whose form spends a download, instead of
 *     redirecting at once (a Sharelinks extension; absent in events written before it)
 * @param locale the language the link's pages are shown in when the visitor's browser names none of theirs: its
 *     account's ({@code en}, {@code fi}, {@code fr}, {@code de}); null in events written before it, shown in English
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
        String url,
        @Nullable LandingPage landingPage,
        @Nullable String locale) {

    /** A plain link: a GET redirects at once. */
    public LinkCreated(
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
        this(
                linkId,
                key,
                accountId,
                mediaId,
                assetId,
                bucket,
                objectKey,
                filename,
                expiresAt,
                downloadLimit,
                url,
                null,
                null);
    }

    /**
     * The link's landing page: a GET shows it and spends nothing; its form's POST spends one download.
     *
     * @param passwordHash the password's slow hash in Spring Security's {@code {id}hash} form, never the password;
     *     null when the page asks for none
     */
    public record LandingPage(@Nullable String passwordHash) {}

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
