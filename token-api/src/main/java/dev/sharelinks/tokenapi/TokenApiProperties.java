package dev.sharelinks.tokenapi;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param publicShareBaseUrl where visitors reach the redirector; a token's public URL is this plus
 *     {@code /share/<tokenValue><suffix>}
 * @param adminToken bearer token of the admin API (users, rights, medias, templates); empty disables that API
 * @param defaultPageSize tokens per page when the client does not say
 * @param maxPageSize the largest {@code size} a client may ask for
 */
@ConfigurationProperties("sharelinks.token-api")
public record TokenApiProperties(
        URI publicShareBaseUrl,
        @DefaultValue("") String adminToken,
        @DefaultValue("20") int defaultPageSize,
        @DefaultValue("100") int maxPageSize) {

    public String publicUrl(String publicPath) {
        String base = publicShareBaseUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/share/" + publicPath;
    }
}
