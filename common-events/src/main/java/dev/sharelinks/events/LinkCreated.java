package dev.sharelinks.events;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A shareable link was created. Carries everything the redirector needs to redeem it without asking link-api.
 *
 * @param keyDigest the SHA-256 (hex, {@link CapabilityDigests#hex}) of the unguessable part of the public URL, which
 *     is what the redirector looks a visit up by; never the key itself, a capability (v1 carried the key and the
 *     URL, and reads as the key's digest without the URL)
 * @param expiresAt the link is redeemable strictly before this instant
 * @param downloadLimit how many downloads the link grants in total
 * @param landingPage present when a GET of the link shows a page whose form spends a download, instead of
 *     redirecting at once (a Sharelinks extension; absent in events written before it)
 * @param locale the language the link's pages are shown in when the visitor's browser names none of theirs: its
 *     account's ({@code en}, {@code fi}, {@code fr}, {@code de}); null in events written before it, shown in English
 */
public record LinkCreated(
        long linkId,
        String keyDigest,
        long accountId,
        long mediaId,
        String assetId,
        String bucket,
        String objectKey,
        String filename,
        Instant expiresAt,
        int downloadLimit,
        @Nullable LandingPage landingPage,
        @Nullable String locale) {

    /** A plain link: a GET redirects at once. */
    public LinkCreated(
            long linkId,
            String keyDigest,
            long accountId,
            long mediaId,
            String assetId,
            String bucket,
            String objectKey,
            String filename,
            Instant expiresAt,
            int downloadLimit) {
        this(
                linkId,
                keyDigest,
                accountId,
                mediaId,
                assetId,
                bucket,
                objectKey,
                filename,
                expiresAt,
                downloadLimit,
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
        Objects.requireNonNull(keyDigest, "keyDigest");
        Objects.requireNonNull(assetId, "assetId");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(objectKey, "objectKey");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
