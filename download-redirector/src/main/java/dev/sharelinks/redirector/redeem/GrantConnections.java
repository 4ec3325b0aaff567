package dev.sharelinks.redirector.redeem;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The grant statements' connections per route: links' and share tokens' statements each have their own in flight,
 * and on one connection they would wait for each other.
 */
@Configuration(proxyBeanMethods = false)
class GrantConnections {

    static final String LINKS = "linkGrantConnection";
    static final String SHARE_TOKENS = "shareTokenGrantConnection";

    @Bean(LINKS)
    GrantConnection linkGrantConnection(GrantConnectionProperties connection, GrantBatchProperties batches) {
        return new GrantConnection(connection, batches.maxConcurrent(), "grant-statements-links");
    }

    @Bean(SHARE_TOKENS)
    GrantConnection shareTokenGrantConnection(GrantConnectionProperties connection, GrantBatchProperties batches) {
        return new GrantConnection(connection, batches.maxConcurrent(), "grant-statements-tokens");
    }
}
