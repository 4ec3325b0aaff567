package dev.sharelinks.events;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A share's mail to one recipient will never be delivered: the SMTP server refused the address for good, or it is
 * not one address. Keyed by share id, after the share's {@link ShareRequested}.
 *
 * @param reason the server's refusal as it answered (say {@code 550 5.1.1 mailbox unavailable}), or why the mailer
 *     refused the address itself
 * @param linkIds the links the mail would have carried
 */
public record ShareMailFailed(
        long shareId,
        long accountId,
        String recipient,
        @Nullable String recipientRef,
        String reason,
        List<Long> linkIds) {

    public ShareMailFailed {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(reason, "reason");
        linkIds = List.copyOf(Objects.requireNonNull(linkIds, "linkIds"));
    }
}
