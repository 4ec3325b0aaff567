package dev.sharelinks.operator;

/**
 * Text a person reads as one line someone else wrote (a download's filename, the sharer's name in a mail's subject):
 * counted in code points, as a person counts characters, and free of the characters that make it read other than it
 * is.
 */
public final class DisplayText {

    private DisplayText() {}

    /** How many characters a person sees: code points, not UTF-16 units (an emoji is one, not two). */
    public static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * Whether {@code text} holds a character that makes it read other than it is: controls, bidirectional overrides
     * and isolates ({@code U+202A-U+202E}, {@code U+2066-U+2069}: {@code "report\u202Efdp.exe"} shows as
     * {@code report.pdf}), line and paragraph separators, or the byte-order mark.
     */
    public static boolean misleads(String text) {
        return text.codePoints().anyMatch(DisplayText::misleads);
    }

    private static boolean misleads(int c) {
        return Character.isISOControl(c)
                || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069)
                || c == 0x2028
                || c == 0x2029
                || c == 0xFEFF;
    }
}
