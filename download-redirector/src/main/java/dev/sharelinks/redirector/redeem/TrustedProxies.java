package dev.sharelinks.redirector.redeem;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.http.server.ConnectionInfo;
import reactor.netty.http.server.HttpServer;

/**
 * Who the client is, for the miss limiter, the password attempts and the download events: the socket's peer,
 * unless that peer is one of the configured proxies ({@code TRUSTED_PROXIES}, CIDR ranges: the gateway's network).
 * Then it is the right-most address of {@code X-Forwarded-For} (or, without it, of {@code Forwarded}'s {@code for=})
 * that is not itself a trusted proxy: each proxy appends the address it saw, so what a client writes in the header
 * itself stays on the left, where it is never read. A header that is not a list of IP literals, from a trusted
 * peer, leaves the peer as the client. With no proxies configured (the default) the headers are never read.
 * <p>
 * One Reactor Netty forwarded-header handler for the whole server, so the redeem route and the WebFlux controllers
 * see the same client.
 */
@Component
class TrustedProxies implements NettyServerCustomizer {

    private final List<IpSubnetFilterRule> proxies;

    TrustedProxies(TrustedProxiesProperties properties) {
        this.proxies = properties.networks().stream()
                .filter(network -> !network.isBlank())
                .map(TrustedProxies::range)
                .toList();
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return proxies.isEmpty() ? server.forwarded(false) : server.forwarded(this::client);
    }

    ConnectionInfo client(ConnectionInfo connection, HttpRequest request) {
        InetSocketAddress peer = connection.getRemoteAddress();
        if (peer == null || !trusted(peer.getAddress())) {
            return connection;
        }
        List<String> hops = hops(request);
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                return connection;
            }
            if (!trusted(hop) || i == 0) {
                return connection.withRemoteAddress(new InetSocketAddress(hop, peer.getPort()));
            }
        }
        return connection;
    }

    private boolean trusted(@Nullable InetAddress address) {
        if (address == null) {
            return false;
        }
        InetSocketAddress socket = new InetSocketAddress(address, 0);
        return proxies.stream().anyMatch(range -> range.matches(socket));
    }

    /** The addresses the proxies recorded, left (the client's claim) to right (the last proxy's peer). */
    private static List<String> hops(HttpRequest request) {
        List<String> hops = new ArrayList<>();
        List<String> forwardedFor = request.headers().getAll("X-Forwarded-For");
        if (!forwardedFor.isEmpty()) {
            forwardedFor.forEach(header -> hops.addAll(List.of(header.split(",", -1))));
            return hops;
        }
        for (String header : request.headers().getAll("Forwarded")) {
            for (String element : header.split(",", -1)) {
                for (String pair : element.split(";", -1)) {
                    String[] nameValue = pair.trim().split("=", 2);
                    if (nameValue.length == 2
                            && nameValue[0].trim().toLowerCase(Locale.ROOT).equals("for")) {
                        hops.add(nameValue[1]);
                    }
                }
            }
        }
        return hops;
    }

    /** An IP literal, as X-Forwarded-For or {@code for="[2001:db8::1]:4711"} write it; null for anything else. */
    private static @Nullable InetAddress literal(String hop) {
        String value = hop.trim();
        if (value.startsWith("\"") && value.endsWith("\"") && value.length() > 1) {
            value = value.substring(1, value.length() - 1);
        }
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            value = end < 0 ? "" : value.substring(1, end);
        } else if (value.indexOf(':') == value.lastIndexOf(':') && value.indexOf(':') > 0) {
            value = value.substring(0, value.indexOf(':'));
        }
        // never a name: resolving it would be a DNS lookup per request, and a name proves nothing
        return NetUtil.createInetAddressFromIpAddressString(value);
    }

    private static IpSubnetFilterRule range(String cidr) {
        String[] parts = cidr.trim().split("/", 2);
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(parts[0]);
        if (address == null) {
            throw new IllegalArgumentException("TRUSTED_PROXIES: " + cidr + " is not an IP address or CIDR range");
        }
        int maxPrefix = address.getAddress().length * 8;
        int prefix;
        try {
            prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : maxPrefix;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TRUSTED_PROXIES: " + cidr + " has no prefix length after /", e);
        }
        if (prefix < 0 || prefix > maxPrefix) {
            throw new IllegalArgumentException("TRUSTED_PROXIES: " + cidr + " has a prefix length out of range");
        }
        return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
    }
}
