package dev.sharelinks.linkapi.webhook;

import dev.sharelinks.linkapi.webhook.WebhookProperties.PrivateAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Keeps webhooks off the service's own network (server-side request forgery): an endpoint's host must resolve to
 * public addresses only, unless {@code WEBHOOKS_ALLOWED_PRIVATE_ADDRESSES} allows loopback or all private ones.
 * Checked at registration and again before every delivery, as a name can be pointed elsewhere after it was checked.
 */
@Component
class EndpointAddresses {

    static final int MAX_URL_LENGTH = 2000;

    private final PrivateAddresses allowed;

    EndpointAddresses(WebhookProperties properties) {
        this.allowed = properties.allowedPrivateAddresses();
    }

    /** What is wrong with the URL as an endpoint, if anything; resolves its host (blocking). */
    Optional<String> problem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            return Optional.of("url must be an absolute http or https URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            return Optional.of("url must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return Optional.of("url must not carry credentials or a fragment");
        }
        // java.net.URI takes any number of digits as a port
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return Optional.of("url's port must be from 1 to 65535");
        }
        return addressProblem(uri.getHost());
    }

    private Optional<String> addressProblem(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return Optional.of("url's host does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!allowed(address)) {
                return Optional.of("url must not resolve to a loopback, private or link-local address");
            }
        }
        return Optional.empty();
    }

    private boolean allowed(InetAddress address) {
        if (isPublic(address)) {
            return true;
        }
        return switch (allowed) {
            case NONE -> false;
            case LOOPBACK -> address.isLoopbackAddress();
            case ALL -> true;
        };
    }

    /** Not loopback, private, link-local, shared (CGNAT), unspecified or multicast, in IPv4 or IPv6. */
    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isAnyLocalAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            // 0.0.0.0/8 "this network", 100.64.0.0/10 carrier-grade NAT, 192.0.0.0/24 protocol assignments,
            // 198.18.0.0/15 benchmarking, 240.0.0.0/4 reserved
            return first != 0
                    && !(first == 100 && (second & 0xc0) == 64)
                    && !(first == 192 && second == 0 && (bytes[2] & 0xff) == 0)
                    && !(first == 198 && (second & 0xfe) == 18)
                    && first < 240;
        }
        if (address instanceof Inet6Address) {
            // fc00::/7 unique local, 100::/64 discard-only, 2001:db8::/32 documentation
            if ((bytes[0] & 0xfe) == 0xfc
                    || startsWith(bytes, 0x01, 0x00, 0, 0, 0, 0, 0, 0)
                    || startsWith(bytes, 0x20, 0x01, 0x0d, 0xb8)) {
                return false;
            }
            // a form that embeds an IPv4 address, by the address it reaches
            byte[] ipv4 = embeddedIpv4(bytes);
            if (ipv4 != null) {
                try {
                    return isPublic(InetAddress.getByAddress(ipv4));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The IPv4 address an IPv6 address embeds, or null: ::ffff:0:0/96 mapped, ::/96 compatible, 64:ff9b::/96 and
     * 64:ff9b:1::/48 NAT64 (the last four bytes), 2002::/16 6to4 (bytes 2-5), 2001::/32 Teredo (its client's, the
     * last four bytes with every bit inverted).
     */
    private static byte @Nullable [] embeddedIpv4(byte[] bytes) {
        if (startsWith(bytes, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff)
                || startsWith(bytes, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                || startsWith(bytes, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0)
                || startsWith(bytes, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        if (startsWith(bytes, 0x20, 0x02)) {
            return Arrays.copyOfRange(bytes, 2, 6);
        }
        if (startsWith(bytes, 0x20, 0x01, 0, 0)) {
            byte[] client = Arrays.copyOfRange(bytes, 12, 16);
            for (int i = 0; i < client.length; i++) {
                client[i] = (byte) ~client[i];
            }
            return client;
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
