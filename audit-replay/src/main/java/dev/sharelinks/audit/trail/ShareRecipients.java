package dev.sharelinks.audit.trail;

import dev.sharelinks.audit.history.HistoryRecord;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.MalformedEventException;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Whose download a download was: each recipient reference of the shares a history holds, with its recipient. A
 * recipient's mail adds its reference to every link's URL, and the redirector records the reference a download came
 * through ({@code DownloadConsumed.recipientRef}), as link-api's download log does.
 */
public final class ShareRecipients {

    private final Map<String, ShareRecipient> byRef;

    private ShareRecipients(Map<String, ShareRecipient> byRef) {
        this.byRef = byRef;
    }

    /**
     * The references of every {@code ShareRequested} among these records, read from the shares topic's alone; other
     * records and unreadable ones pass.
     */
    public static ShareRecipients of(List<HistoryRecord> history, EventSerde serde) {
        Map<String, ShareRecipient> byRef = new HashMap<>();
        for (HistoryRecord record : history) {
            if (record.topic().equals(Topics.SHARES)
                    && record.value() != null
                    && read(record.value(), serde) instanceof ShareRequested share
                    && share.recipientRefs() != null) {
                Set<Long> links = share.links().stream()
                        .map(ShareRequested.SharedLink::linkId)
                        .collect(Collectors.toUnmodifiableSet());
                for (int i = 0; i < share.recipients().size(); i++) {
                    String ref = share.recipientRef(i);
                    if (ref != null) {
                        byRef.put(
                                ref,
                                new ShareRecipient(
                                        share.shareId(), share.recipients().get(i), links));
                    }
                }
            }
        }
        return new ShareRecipients(Map.copyOf(byRef));
    }

    private static @Nullable Object read(byte[] value, EventSerde serde) {
        try {
            EventEnvelope<?> event = serde.read(value);
            return event.data();
        } catch (MalformedEventException unreadable) {
            // the trail reports it as unreadable where it reads the record itself
            return null;
        }
    }

    /**
     * The recipient a download of {@code linkId} through {@code ref} was mailed to; null for the plain URL, and for
     * a reference of no share that carries that link (another share's, or a made-up one), which is nobody's, as in
     * link-api's download log.
     */
    @Nullable
    ShareRecipient of(long linkId, @Nullable String ref) {
        ShareRecipient recipient = ref == null ? null : byRef.get(ref);
        return recipient != null && recipient.linkIds().contains(linkId) ? recipient : null;
    }

    /** One recipient of one share, and the links its mail carried. */
    record ShareRecipient(long shareId, String address, Set<Long> linkIds) {}
}
