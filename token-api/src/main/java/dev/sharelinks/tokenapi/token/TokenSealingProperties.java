package dev.sharelinks.tokenapi.token;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How token values are sealed at rest ({@link dev.sharelinks.sealing.Sealer}).
 *
 * @param keys {@code id:base64} AES-256 keys ({@code TOKEN_SEALING_KEYS}, comma-separated); the first seals, all
 *     open. Required: without one, token-api does not start
 * @param resealBatch how many values one look of {@link TokenValueResealing} reseals at most; how often it looks,
 *     {@code reseal-every} (1m), and how long after the start first, {@code reseal-first-after} (5s), its schedule
 *     reads itself
 */
@ConfigurationProperties("sharelinks.token-sealing")
public record TokenSealingProperties(
        List<String> keys, @DefaultValue("500") int resealBatch) {}
