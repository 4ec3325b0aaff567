package dev.sharelinks.redirector.redeem;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How redeems are grouped into grant statements.
 *
 * @param maxSize most redeems one statement grants
 * @param maxConcurrent most grant statements in flight at once. One is fastest on the benchmark (docs/performance.md):
 *     every redeem arriving during a statement joins the next one, so a commit (one WAL flush) covers as many grants
 *     as possible; replicas each add their own. Keep it below the connection pool's size, so that probes and
 *     projections always find a connection
 * @param statementTimeout how long a grant statement may take before its redeems are answered 503 and its slot is
 *     given to the next batch
 */
@ConfigurationProperties("sharelinks.redeem.batch")
public record GrantBatchProperties(
        @DefaultValue("256") int maxSize,
        @DefaultValue("1") int maxConcurrent,
        @DefaultValue("10s") Duration statementTimeout) {}
