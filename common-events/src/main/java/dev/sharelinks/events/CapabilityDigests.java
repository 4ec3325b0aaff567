package dev.sharelinks.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests of bearer capabilities (a link's key, a share token's public path): what tables look up and
 * events carry instead of the capability, so a backup, a replica or a topic reader holds nothing that downloads.
 * The capabilities are 128 or more random bits, so a digest needs no salt and no slow hash to be irreversible.
 */
public final class CapabilityDigests {

    private static final HexFormat HEX = HexFormat.of();

    private CapabilityDigests() {}

    /** The SHA-256 of the capability's UTF-8 bytes: what PostgreSQL's {@code sha256(convert_to(c, 'UTF8'))} gives. */
    public static byte[] sha256(String capability) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(capability.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** {@link #sha256} in lower-case hex, as events carry it (PostgreSQL's {@code encode(digest, 'hex')}). */
    public static String hex(String capability) {
        return HEX.formatHex(sha256(capability));
    }
}
