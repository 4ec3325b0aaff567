package dev.sharelinks.linkapi.download;

import io.netty.util.NetUtil;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * How much of a downloader's address the download log keeps (data minimisation: docs/operations.md, "Download log
 * and personal data"). The events themselves keep the full address for the audit trail; this is the owner's view.
 */
public enum ClientAddressRetention {
    /** The address as the redirector saw it. */
    FULL,
    /** IPv4 to its /24 ({@code 203.0.113.0}), IPv6 to its /48: enough for a network or a country, not a household. */
    TRUNCATED,
    /** No address at all. */
    NONE;

    /** The address to keep, or null: an address that is not an IP literal is not kept unless FULL. */
    public @Nullable String keep(@Nullable String address) {
        if (address == null || this == NONE) {
            return null;
        }
        if (this == FULL) {
            return address;
        }
        // Netty's parser reads IP literals only: InetAddress would look a name up, and an event's address is never one
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            return null;
        }
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + ".0";
        }
        // the first three groups of eight; the zeros after them written as RFC 5952 does, "::"
        return String.format("%x:%x:%x::", group(bytes, 0), group(bytes, 1), group(bytes, 2));
    }

    private static boolean isIpv4Mapped(byte[] ipv6) {
        for (int i = 0; i < 10; i++) {
            if (ipv6[i] != 0) {
                return false;
            }
        }
        return ipv6[10] == (byte) 0xff && ipv6[11] == (byte) 0xff;
    }

    private static int group(byte[] ipv6, int index) {
        return ((ipv6[2 * index] & 0xff) << 8) | (ipv6[2 * index + 1] & 0xff);
    }
}
