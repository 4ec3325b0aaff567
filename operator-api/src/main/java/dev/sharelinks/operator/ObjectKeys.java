package dev.sharelinks.operator;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an S3 object key registered through an admin API may be: a relative path of segments that names one object
 * whichever way a client or a proxy normalises the URL. Letters and digits of any script, space and
 * {@code ! - _ . * ' ( ) & $ @ = ; : + ,} (S3's safe characters and those it names as needing only URL encoding),
 * segments joined by single {@code /}, none of them {@code .} or {@code ..}, no leading or trailing {@code /},
 * at most 1024 bytes of UTF-8 (S3's limit). A key with {@code ../} or a leading {@code /} would let a URL that is
 * normalised on its way ({@code curl --path-as-is}, a proxy) reach another object than the one registered.
 */
public final class ObjectKeys {

    private static final int MAX_BYTES = 1024;
    private static final Pattern SEGMENT = Pattern.compile("[\\p{L}\\p{M}\\p{Nd} !\\-_.*'()&$@=;:+,]+");

    private ObjectKeys() {}

    /** Why {@code key} cannot be an object key, in a line an operator can act on; empty when it can. */
    public static Optional<String> problem(String key) {
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES || !StorableText.isStorable(key)) {
            return Optional.of("must be 1 to " + MAX_BYTES + " bytes of UTF-8");
        }
        if (key.startsWith("/") || key.endsWith("/")) {
            return Optional.of("must not start or end with '/'");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                return Optional.of("must not contain '//'");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("must not contain '.' or '..' segments");
            }
            if (!SEGMENT.matcher(segment).matches()) {
                return Optional.of("may hold letters, digits, space and ! - _ . * ' ( ) & $ @ = ; : + , between '/'");
            }
        }
        return Optional.empty();
    }
}
