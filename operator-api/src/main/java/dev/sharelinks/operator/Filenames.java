package dev.sharelinks.operator;

import java.util.Optional;

/**
 * What a download's filename may be: the name a browser saves the file under, shown on pages and in mails. At most
 * 255 characters ({@link DisplayText#length}), not blank, not {@code .} or {@code ..}, no path separator, and none of
 * the characters that make a name read other than it is ({@link DisplayText#misleads}).
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
        if (DisplayText.length(filename) > MAX_CHARACTERS) {
            return Optional.of("must be at most " + MAX_CHARACTERS + " characters");
        }
        if (DisplayText.misleads(filename)) {
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
}
