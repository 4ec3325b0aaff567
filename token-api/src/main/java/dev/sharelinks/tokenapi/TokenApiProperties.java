package dev.sharelinks.tokenapi;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * token-api's settings ({@code sharelinks.token-api}).
 *
 * @param publicShareBaseUrl where visitors reach the redirector; a token's public URL is this plus
 *     {@code /share/<tokenValue><suffix>}
 * @param adminToken a bearer token of the admin API (users, rights, medias, templates); with no token configured here or in
 *     the file, that API is closed
 * @param adminTokensFile a file of more admin API tokens, one per line (a mounted Secret): a rotation adds the next
 *     token, hands it out, then removes the old one, each step read again without a restart
 * @param adminTokensReload how long the file's tokens are believed before it is looked at again
 * @param defaultPageSize tokens per page when the client does not say
 * @param maxPageSize the largest {@code size} a client may ask for
 * @param verifiedPasswordWindow how long a DAM user's password that passed bcrypt passes again without it, for the
 *     same login and stored hash (a client sends its Basic credentials with every request); zero hashes every time
 */
@ConfigurationProperties("sharelinks.token-api")
public record TokenApiProperties(
        URI publicShareBaseUrl,
        @DefaultValue("") String adminToken,
        @DefaultValue("") String adminTokensFile,
        @DefaultValue("10s") Duration adminTokensReload,
        @DefaultValue("20") int defaultPageSize,
        @DefaultValue("100") int maxPageSize,
        @DefaultValue("5m") Duration verifiedPasswordWindow) {

    public String publicUrl(String publicPath) {
        String base = publicShareBaseUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/share/" + publicPath;
    }
}
