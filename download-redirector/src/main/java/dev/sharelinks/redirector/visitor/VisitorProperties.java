package dev.sharelinks.redirector.visitor;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the redirector tells people from preview agents and a person's repeat from a new download.
 *
 * @param previewAgents where the preview agents' patterns are (a Spring resource location: {@code classpath:...},
 *     {@code file:...})
 * @param signingKeys the keys that sign download receipts and form nonces, each {@code id:base64} (at least 32
 *     bytes); the first signs, every one verifies, so a new key goes first and the old one stays listed until what
 *     it signed has expired. Every replica needs the same list. Empty: a random key per instance, so a receipt only
 *     counts on the replica that issued it
 * @param receiptGracePeriod how long a download receipt makes the same link's GETs free repeats; zero turns
 *     receipts off
 * @param formLifetime how long a landing page's form may be submitted after the page was shown
 * @param publicRedeemBaseUrl where visitors reach the redirector (link-api's setting of the same name): its path is
 *     the receipt cookie's path prefix, and {@code https} makes the cookie {@code Secure}
 */
@ConfigurationProperties("sharelinks.visitor")
public record VisitorProperties(
        @DefaultValue("classpath:visitor/preview-agents.txt")
        String previewAgents,

        @DefaultValue("") List<String> signingKeys,
        @DefaultValue("10m") Duration receiptGracePeriod,
        @DefaultValue("1h") Duration formLifetime,
        @DefaultValue("http://127.0.0.1:8082") URI publicRedeemBaseUrl) {}
