package dev.sharelinks.operator;

import java.util.Optional;

/**
 * What a download's filename may be: the name a browser saves the file under, shown on pages and in mails. At most
 * 255 characters (code points, as a person counts them, not UTF-16 units), not blank, not {@code .} or {@code ..}, no
 * path separator, and none of the characters that make a name read other than it is: controls, bidirectional
 * overrides and isolates ({@code U+202A-U+202E}, {@code U+2066-U+2069}: {@code "report\u202Efdp.exe"} shows as
 * {@code report.pdf}), line and paragraph separators, and the byte-order mark.
 */
public final class Filenames {

    public static final int MAX_CHARACTERS = 255;

    private Filenames() {}

    /** Why {@code filename} cannot be a download's name, as the end of a sentence naming the field; empty if it can. */
    public static Optional<String> problem(String filename) {
        if (filename.isBlank()) {
            return Optional.of("must not be empty");
        }
        if (!StorableText.isStorable(filename)) {
            return Optional.of("must be text (no NUL, no unpaired surrogate)");
        }
        if (filename.codePointCount(0, filename.length()) > MAX_CHARACTERS) {
            return Optional.of("must be at most " + MAX_CHARACTERS + " characters");
        }
        if (filename.codePoints().anyMatch(Filenames::misleading)) {
            return Optional.of("must not contain control, bidirectional-override, line-separator or byte-order-mark "
                    + "characters");
        }
        if (filename.contains("/") || filename.contains("\\")) {
            return Optional.of("must not contain path separators");
        }
        if (filename.equals(".") || filename.equals("..")) {
            return Optional.of("must not be '.' or '..'");
        }
        return Optional.empty();
    }

    private static boolean misleading(int c) {
        return Character.isISOControl(c)
                || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069)
                || c == 0x2028
                || c == 0x2029
                || c == 0xFEFF;
    }
}
