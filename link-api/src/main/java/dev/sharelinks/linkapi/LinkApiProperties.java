package dev.sharelinks.linkapi;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * link-api's settings ({@code sharelinks.link-api}).
 *
 * @param publicRedeemBaseUrl where recipients reach the redirector; a link's URL is this plus
 *     {@code /api/v2/shareable_links/<key>}
 * @param adminToken a bearer token of the admin API (register accounts, keys, assets); with no token configured here or in
 *     the file, that API is closed
 * @param adminTokensFile a file of more admin API tokens, one per line (a mounted Secret): a rotation adds the next
 *     token, hands it out, then removes the old one, each step read again without a restart
 * @param adminTokensReload how long the file's tokens are believed before it is looked at again
 * @param maxRecipients most recipients one share may name
 * @param maxLinksPerShare most links one share may carry
 * @param maxLinkLifetime how far ahead a link's {@code expiry_date} may be ({@code LINK_MAX_LIFETIME}); a share link
 *     is not an archive, and a date a client cannot have meant (year 99999) is refused rather than stored
 */
@ConfigurationProperties("sharelinks.link-api")
public record LinkApiProperties(
        URI publicRedeemBaseUrl,
        @DefaultValue("") String adminToken,
        @DefaultValue("") String adminTokensFile,
        @DefaultValue("10s") Duration adminTokensReload,
        @DefaultValue("50") int maxRecipients,
        @DefaultValue("50") int maxLinksPerShare,
        @DefaultValue("36500d") Duration maxLinkLifetime) {

    public String redeemUrl(String key) {
        String base = publicRedeemBaseUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v2/shareable_links/" + key;
    }
}
