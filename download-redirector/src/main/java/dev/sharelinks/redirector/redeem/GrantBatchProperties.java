package dev.sharelinks.redirector.redeem;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How each public route's GETs are grouped into grant statements ({@link GrantQueue}).
 *
 * @param maxSize most GETs one statement answers
 * @param maxConcurrent most grant statements of one route in flight at once, each on a kept connection and thread of
 *     its own ({@link GrantConnection}). One is fastest on the benchmark (docs/performance.md): every GET arriving
 *     during a statement joins the next one, so a commit (one WAL flush) covers as many grants as possible; replicas
 *     each add their own
 * @param statementTimeout how long a grant statement may take before its GETs are answered 503, it is cancelled on
 *     the server, and its slot is given to the next batch
 */
@ConfigurationProperties("sharelinks.redeem.batch")
public record GrantBatchProperties(
        @DefaultValue("256") int maxSize,
        @DefaultValue("1") int maxConcurrent,
        @DefaultValue("10s") Duration statementTimeout) {}
