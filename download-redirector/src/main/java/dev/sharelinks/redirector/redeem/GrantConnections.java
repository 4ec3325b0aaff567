package dev.sharelinks.redirector.redeem;

import io.r2dbc.spi.ConnectionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A kept connection per route's grant statements: links' and share tokens' statements each have one in flight, and
 * on one connection they would wait for each other.
 */
@Configuration(proxyBeanMethods = false)
class GrantConnections {

    static final String LINKS = "linkGrantConnection";
    static final String SHARE_TOKENS = "shareTokenGrantConnection";

    @Bean(LINKS)
    GrantConnection linkGrantConnection(ConnectionFactory connectionFactory) {
        return new GrantConnection(connectionFactory);
    }

    @Bean(SHARE_TOKENS)
    GrantConnection shareTokenGrantConnection(ConnectionFactory connectionFactory) {
        return new GrantConnection(connectionFactory);
    }
}
