package dev.sharelinks.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RowSettlementTest {

    private static final SendOutcome ACKNOWLEDGED = new SendOutcome.Acknowledged(null);
    private static final SendOutcome UNSETTLED = new SendOutcome.Unsettled();

    @Test
    void aRowIsPublishedOnlyWhenEveryEventInItWasAcknowledged() {
        List<PendingEvent> events = List.of(event(1), event(2), event(2), event(3), event(3));
        RowSettlement settlement = RowSettlement.of(
                events,
                List.of(
                        new SendOutcome.Acknowledged(new OutboxRelay.StoredAt("t", 0, 7)),
                        ACKNOWLEDGED,
                        ACKNOWLEDGED,
                        ACKNOWLEDGED,
                        UNSETTLED));

        assertThat(settlement.published()).containsExactly(1L, 2L);
        assertThat(settlement.publishedEvents()).isEqualTo(3);
        assertThat(settlement.deadLetters()).isEmpty();
        assertThat(settlement.stored()).containsExactly(Map.entry(1L, new OutboxRelay.StoredAt("t", 0, 7)));
        assertThat(settlement.left()).as("row 3, both its events").containsExactlyElementsOf(events.subList(3, 5));
    }

    @Test
    void aRowWithARefusedEventIsDeadLetteredOnceNoneOfItsEventsIsUnsettled() {
        List<PendingEvent> events = List.of(event(1), event(1), event(2), event(2), event(3));
        RowSettlement settlement = RowSettlement.of(
                events,
                List.of(
                        ACKNOWLEDGED,
                        new SendOutcome.Refused("too large"),
                        new SendOutcome.Refused("invalid topic"),
                        UNSETTLED,
                        ACKNOWLEDGED));

        assertThat(settlement.deadLetters()).containsExactly(Map.entry(1L, "too large"));
        assertThat(settlement.deadEvents()).isEqualTo(2);
        assertThat(settlement.published()).containsExactly(3L);
        assertThat(settlement.left()).as("row 2, both its events").containsExactlyElementsOf(events.subList(2, 4));
    }

    private static PendingEvent event(long seq) {
        return new PendingEvent(seq, UUID.randomUUID(), "t", "k", "E", Instant.EPOCH, "{}", Map.of());
    }
}
