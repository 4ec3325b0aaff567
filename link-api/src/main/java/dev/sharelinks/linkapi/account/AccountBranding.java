package dev.sharelinks.linkapi.account;

import dev.sharelinks.operator.StorableText;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * The checks an account's branding passes before its share mails show it. Each takes what the admin API was sent:
 * null (not sent: keep the value), {@code ""} (clear it: Sharelinks' own look) or a value, which it answers
 * normalized or refuses with a 400 naming the field.
 */
final class AccountBranding {

    static final int MAX_LOGO_URL = 2048;
    static final int MAX_FOOTER = 500;
    /** WCAG 2.1 AA for normal text: the button's white label on the accent colour. */
    static final double MIN_CONTRAST_WITH_WHITE = 4.5;

    private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");

    private AccountBranding() {}

    /** An absolute https URL without credentials: mail clients block plain http images, and a logo is public. */
    static @Nullable String logoUrl(@Nullable String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        try {
            URI uri = new URI(value);
            if (value.length() <= MAX_LOGO_URL
                    && "https".equalsIgnoreCase(uri.getScheme())
                    && uri.getHost() != null
                    && uri.getRawUserInfo() == null
                    && uri.getRawFragment() == null) {
                return value;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw refused("logoUrl must be an absolute https URL without credentials or fragment, at most " + MAX_LOGO_URL
                + " characters");
    }

    /** {@code #rrggbb}, lowercased, dark enough that the buttons' white text on it stays readable. */
    static @Nullable String accentColor(@Nullable String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        if (!COLOR.matcher(value).matches()) {
            throw refused("accentColor must be a colour written #rrggbb");
        }
        double contrast = contrastWithWhite(value);
        if (contrast < MIN_CONTRAST_WITH_WHITE) {
            throw refused("accentColor %s is too light for the white text on the mail's buttons: contrast %.2f:1, "
                            .formatted(value, contrast)
                    + "at least 4.5:1 needed (WCAG 2.1 AA)");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** One paragraph of plain text: no control characters, at most {@value #MAX_FOOTER} characters. */
    static @Nullable String footerText(@Nullable String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        String footer = value.strip();
        if (footer.isEmpty()
                || footer.length() > MAX_FOOTER
                || footer.chars().anyMatch(Character::isISOControl)
                || !StorableText.isStorable(footer)) {
            throw refused("footerText must be one paragraph of at most " + MAX_FOOTER
                    + " characters without control characters");
        }
        return footer;
    }

    /** The WCAG contrast ratio of white on {@code #rrggbb}. */
    static double contrastWithWhite(String color) {
        int rgb = Integer.parseInt(color.substring(1), 16);
        double luminance = 0.2126 * linear(rgb >> 16) + 0.7152 * linear(rgb >> 8) + 0.0722 * linear(rgb);
        return 1.05 / (luminance + 0.05);
    }

    private static double linear(int channel) {
        double value = (channel & 0xff) / 255.0;
        return value <= 0.04045 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
    }

    private static ResponseStatusException refused(String why) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, why);
    }
}
