package dev.sharelinks.operator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' bearer tokens: a set, so that a new token can be added, handed out and the old one removed with no
 * moment where neither works. They come from a token set in configuration ({@code ADMIN_TOKEN}) and from a file of
 * one token per line ({@code ADMIN_TOKENS_FILE}, a mounted Kubernetes Secret), which is read again when it changed,
 * looked at no more often than {@code reloadInterval}: a rotation takes effect without a restart.
 * <p>
 * Only SHA-256 digests are kept, and a presented token's digest is compared with every one of them with
 * {@link MessageDigest#isEqual}, whose time depends only on the digests' fixed length: the comparison tells nothing
 * about where a guess goes wrong, nor how long it is. No token configured opens nothing.
 */
public final class AdminTokens {

    private static final Logger log = LoggerFactory.getLogger(AdminTokens.class);
    private static final String BEARER = "Bearer ";

    private final List<byte[]> configured;
    private final @Nullable Path file;
    private final Duration reloadInterval;
    private final Clock clock;
    /** What the file held when last read, and when it was last looked at; replaced whole. */
    private volatile FileTokens fromFile;

    private AdminTokens(List<byte[]> configured, @Nullable Path file, Duration reloadInterval, Clock clock) {
        this.configured = configured;
        this.file = file;
        this.reloadInterval = reloadInterval;
        this.clock = clock;
        FileTokens none = new FileTokens(List.of(), null, Instant.MIN);
        this.fromFile = file == null ? none : read(file, none, clock.instant());
    }

    /**
     * The tokens accepted: the configured one and those of the file.
     *
     * @param configured a token, or blank for none
     * @param file a file of tokens, one per line (blank lines and lines starting with {@code #} skipped); null or
     *     blank for none. A file that cannot be read at start fails the start; later, the tokens last read stay
     * @param reloadInterval how long a file's tokens are believed before it is looked at again
     */
    public static AdminTokens of(
            @Nullable String configured, @Nullable String file, Duration reloadInterval, Clock clock) {
        List<byte[]> digests = configured == null || configured.isBlank() ? List.of() : List.of(sha256(configured));
        return new AdminTokens(digests, file == null || file.isBlank() ? null : Path.of(file), reloadInterval, clock);
    }

    public boolean matches(@Nullable String presented) {
        if (presented == null) {
            return false;
        }
        byte[] digest = sha256(presented);
        boolean matched = false;
        // every digest is compared, whichever matches: the time taken depends only on how many there are
        for (byte[] token : configured) {
            matched |= MessageDigest.isEqual(digest, token);
        }
        for (byte[] token : current()) {
            matched |= MessageDigest.isEqual(digest, token);
        }
        return matched;
    }

    /** Whether an {@code Authorization} header value is {@code Bearer <one of these tokens>}. */
    public boolean presentedIn(@Nullable String authorization) {
        return authorization != null
                && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && matches(authorization.substring(BEARER.length()));
    }

    private List<byte[]> current() {
        FileTokens known = fromFile;
        Instant now = clock.instant();
        if (file != null && !now.isBefore(known.lookedAt().plus(reloadInterval))) {
            known = read(file, known, now);
            fromFile = known;
        }
        return known.digests();
    }

    /** The file's tokens, read again only if it changed since {@code known}; {@code known}'s if it cannot be read. */
    private static FileTokens read(Path file, FileTokens known, Instant now) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(known.modified())) {
                return new FileTokens(known.digests(), modified, now);
            }
            List<byte[]> digests = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String token = line.strip();
                if (!token.isEmpty() && !token.startsWith("#")) {
                    digests.add(sha256(token));
                }
            }
            if (known.modified() != null) {
                log.info("admin tokens read again from {}: {} token(s)", file, digests.size());
            }
            return new FileTokens(List.copyOf(digests), modified, now);
        } catch (IOException e) {
            if (known.modified() == null) {
                throw new IllegalStateException("cannot read the admin tokens file " + file, e);
            }
            // a Secret volume swaps its files by a symlink: a read may fall between; the next look will do
            log.warn("cannot read the admin tokens file {}, keeping the tokens last read: {}", file, e.toString());
            return new FileTokens(known.digests(), known.modified(), now);
        }
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private record FileTokens(
            List<byte[]> digests, @Nullable FileTime modified, Instant lookedAt) {}
}
