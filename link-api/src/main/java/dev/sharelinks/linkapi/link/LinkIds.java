package dev.sharelinks.linkapi.link;

import dev.sharelinks.linkapi.web.MediaPocketException;
import java.util.regex.Pattern;

/** A link id as a route's path carries it, and the one answer for an id that names none of the caller's links. */
public final class LinkIds {

    public static final String NOT_FOUND = "Link not found";

    private static final Pattern LINK_ID = Pattern.compile("[1-9][0-9]{0,17}");

    private LinkIds() {}

    /** Only the decimal form we hand out names a link: Long.parseLong alone would also take "+7" or "٧". */
    public static long parse(String id) {
        if (!LINK_ID.matcher(id).matches()) {
            throw notFound();
        }
        return Long.parseLong(id);
    }

    /** 404 in MediaPocket's format: unknown and another account's links answer alike. */
    public static MediaPocketException notFound() {
        return MediaPocketException.notFound(NOT_FOUND);
    }
}
