package dev.sharelinks.messaging.outbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What becomes of each outbox row once its events' sends settled. A row is the unit: it is deleted once every event
 * in it was acknowledged, moved to the dead letters once none is left unsettled and Kafka refused one for good, and
 * otherwise stays whole for the next attempt.
 *
 * @param published the rows to delete
 * @param publishedEvents how many events those rows held
 * @param deadLetters the rows to move to the dead letters, with why, and {@code deadEvents} how many events they held
 * @param stored where the broker stored the event of each published single-event row, for {@link ReadYourWrites}
 * @param left the events of the rows kept for the next attempt
 */
record RowSettlement(
        List<Long> published,
        int publishedEvents,
        Map<Long, String> deadLetters,
        int deadEvents,
        Map<Long, OutboxRelay.StoredAt> stored,
        List<PendingEvent> left) {

    /** How many events the rows kept for the next attempt held. */
    int leftEvents() {
        return left.size();
    }

    /** @param outcomes one per event, in order; a row's events are next to each other */
    static RowSettlement of(List<PendingEvent> events, List<SendOutcome> outcomes) {
        List<Long> published = new ArrayList<>();
        Map<Long, String> deadLetters = new LinkedHashMap<>();
        Map<Long, OutboxRelay.StoredAt> stored = new LinkedHashMap<>();
        int publishedEvents = 0;
        int deadEvents = 0;
        List<PendingEvent> left = new ArrayList<>();
        for (int first = 0, end; first < events.size(); first = end) {
            long seq = events.get(first).seq();
            boolean unsettled = false;
            Set<String> reasons = new LinkedHashSet<>();
            for (end = first; end < events.size() && events.get(end).seq() == seq; end++) {
                SendOutcome outcome = outcomes.get(end);
                unsettled |= outcome instanceof SendOutcome.Unsettled;
                if (outcome instanceof SendOutcome.Refused refused) {
                    reasons.add(refused.reason());
                }
            }
            if (unsettled) {
                left.addAll(events.subList(first, end));
                continue;
            }
            if (!reasons.isEmpty()) {
                deadLetters.put(seq, String.join("; ", reasons));
                deadEvents += end - first;
            } else {
                published.add(seq);
                publishedEvents += end - first;
                if (end - first == 1
                        && outcomes.get(first) instanceof SendOutcome.Acknowledged acknowledged
                        && acknowledged.at() != null) {
                    stored.put(seq, acknowledged.at());
                }
            }
        }
        return new RowSettlement(published, publishedEvents, deadLetters, deadEvents, stored, List.copyOf(left));
    }
}
