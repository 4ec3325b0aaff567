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
            int embedded = embeddedIpv4(bytes);
            if (embedded >= 0) {
                byte[] ipv4 = Arrays.copyOfRange(bytes, embedded, embedded + 4);
                if (startsWith(bytes, 0x20, 0x01, 0, 0)) {
                    // Teredo stores its client's address with every bit inverted
                    for (int i = 0; i < ipv4.length; i++) {
                        ipv4[i] = (byte) ~ipv4[i];
                    }
                }
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
     * Where an IPv6 address embeds the IPv4 address it reaches, or -1: ::ffff:0:0/96 mapped and ::/96 compatible (the
     * last four bytes), 64:ff9b::/96 and 64:ff9b:1::/48 NAT64 (the last four), 2002::/16 6to4 (bytes 2-5) and
     * 2001::/32 Teredo (the client's, the last four).
     */
    private static int embeddedIpv4(byte[] bytes) {
        if (isIpv4Mapped(bytes)
                || isIpv4Compatible(bytes)
                || isNat64(bytes)
                || startsWith(bytes, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
            return 12;
        }
        if (startsWith(bytes, 0x20, 0x02)) {
            return 2;
        }
        if (startsWith(bytes, 0x20, 0x01, 0, 0)) {
            return 12;
        }
        return -1;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv4Compatible(byte[] bytes) {
        for (int i = 0; i < 12; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
    }

    private static boolean isNat64(byte[] bytes) {
        if (bytes[0] != 0 || bytes[1] != 0x64 || (bytes[2] & 0xff) != 0xff || (bytes[3] & 0xff) != 0x9b) {
            return false;
        }
        for (int i = 4; i < 12; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
