package dev.sharelinks.redirector.redeem;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the grant statements' own connections go ({@link GrantConnection}): the service's database, through JDBC.
 *
 * @param url a pgjdbc URL, with the service's schema and the database's TLS settings
 * @param loginTimeout how long opening a connection may take (whole seconds): a server that accepts it and never
 *     answers holds a statement thread no longer
 */
@ConfigurationProperties("sharelinks.redeem.grant-connection")
public record GrantConnectionProperties(
        String url,
        String username,
        String password,
        @DefaultValue("10s") Duration loginTimeout) {}
