package dev.sharelinks.redirector.redeem;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The proxies whose forwarded client address is believed ({@code sharelinks.redeem.trusted-proxies}).
 *
 * @param networks CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}, or one address) of the proxies in front of the
 *     redirector, whose requests may name the client in {@code X-Forwarded-For} or {@code Forwarded}; none by
 *     default, when the socket's peer is the client ({@link TrustedProxies})
 */
@ConfigurationProperties("sharelinks.redeem.trusted-proxies")
public record TrustedProxiesProperties(@DefaultValue("") List<String> networks) {}
