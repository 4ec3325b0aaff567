package dev.sharelinks.events;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The mailer's SMTP server accepted a share's mail to one recipient. Keyed by share id, after the share's
 * {@link ShareRequested}.
 *
 * @param recipientRef the reference the recipient's links carry (null for a share without references)
 * @param linkIds the links the mail carried
 */
public record ShareMailDelivered(
        long shareId,
        long accountId,
        String recipient,
        @Nullable String recipientRef,
        List<Long> linkIds) {

    public ShareMailDelivered {
        Objects.requireNonNull(recipient, "recipient");
        linkIds = List.copyOf(Objects.requireNonNull(linkIds, "linkIds"));
    }
}
