package dev.sharelinks.operator;

/**
 * Whether text from a request is stored as it was sent: PostgreSQL's {@code text} holds no NUL (the insert fails,
 * a 500), and an unpaired UTF-16 surrogate has no UTF-8 form (it is stored as {@code ?} while the answer echoes the
 * original). Every text field of every route, the vendor APIs' and the admin APIs', is held to it.
 */
public final class StorableText {

    private StorableText() {}

    public static boolean isStorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
