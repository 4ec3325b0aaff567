package dev.sharelinks.linkapi.sealing;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How link-api seals what it must use or show again ({@link dev.sharelinks.sealing.Sealer}).
 *
 * @param keys {@code id:base64} AES-256 keys ({@code LINK_SEALING_KEYS}, comma-separated; the mailer reads the same
 *     Secret to open the URLs of share events); the first seals, all open. Required: without one, link-api does not
 *     start
 * @param resealBatch how many rows of each sealed column one look of {@link LinkSecretsResealing} reseals at most; how
 *     often it looks, {@code reseal-every} (1m), and how long after the start first, {@code reseal-first-after} (5s),
 *     its schedule reads itself
 */
@ConfigurationProperties("sharelinks.link-sealing")
public record LinkSealingProperties(
        @Nullable List<String> keys, @DefaultValue("500") int resealBatch) {}
