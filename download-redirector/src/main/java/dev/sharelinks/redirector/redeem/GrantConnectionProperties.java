package dev.sharelinks.redirector.redeem;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the grant statements' own connections go ({@link GrantConnection}): the service's database, through JDBC.
 *
 * @param url a pgjdbc URL, with the service's schema and the database's TLS settings
 */
@ConfigurationProperties("sharelinks.redeem.grant-connection")
public record GrantConnectionProperties(String url, String username, String password) {}
