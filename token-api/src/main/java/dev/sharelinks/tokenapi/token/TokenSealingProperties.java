package dev.sharelinks.tokenapi.token;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How token values are sealed at rest ({@link dev.sharelinks.sealing.Sealer}).
 *
 * @param keys {@code id:base64} AES-256 keys ({@code TOKEN_SEALING_KEYS}, comma-separated); the first seals, all
 *     open. Required: without one, token-api does not start
 * @param resealEvery how often {@link TokenValueResealing} looks for values not sealed with the first key
 * @param resealFirstAfter how long after the start it first looks
 * @param resealBatch how many values one look reseals at most
 */
@ConfigurationProperties("sharelinks.token-sealing")
public record TokenSealingProperties(
        List<String> keys,
        @DefaultValue("1m") Duration resealEvery,
        @DefaultValue("5s") Duration resealFirstAfter,
        @DefaultValue("500") int resealBatch) {}
