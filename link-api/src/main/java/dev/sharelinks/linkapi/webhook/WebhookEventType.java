package dev.sharelinks.linkapi.webhook;

import java.util.Arrays;
import java.util.Optional;

/** The event types an endpoint can subscribe to, by their names on the wire. */
enum WebhookEventType {
    /** A download of the link was granted (not a repeat or a preview). */
    LINK_DOWNLOADED("link.downloaded"),
    /** The link's last download was granted: it redeems nothing more. Sent once per link. */
    LINK_EXHAUSTED("link.exhausted"),
    LINK_REVOKED("link.revoked"),
    /** The SMTP server accepted a share's mail to one recipient. */
    SHARE_DELIVERED("share.delivered"),
    /** A share's mail to one recipient will never be delivered. */
    SHARE_FAILED("share.failed");

    private final String wireName;

    WebhookEventType(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }

    static Optional<WebhookEventType> fromWireName(String name) {
        return Arrays.stream(values())
                .filter(type -> type.wireName.equals(name))
                .findFirst();
    }
}
