package dev.sharelinks.messaging.outbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Sends a batch of outbox events in order and waits until each send settled. Stops at the first event the producer
 * fails at once for a reason that may pass (no metadata: the broker is away), and waits for every send it made,
 * which the producer's {@code delivery.timeout.ms} bounds. So no send outlives its batch: an event is never published
 * behind the relay's back after its batch was given up, which would publish it twice and out of order.
 */
class EventSender {

    private static final Logger log = LoggerFactory.getLogger(EventSender.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventRecords records;
    private final Refusals refusals;

    EventSender(KafkaTemplate<String, byte[]> kafka, EventRecords records, Refusals refusals) {
        this.kafka = kafka;
        this.records = records;
        this.refusals = refusals;
    }

    /** One outcome per event, in order. Blocks: call it off the database's event loop. */
    List<SendOutcome> send(List<PendingEvent> events) throws InterruptedException {
        SendOutcome[] outcomes = new SendOutcome[events.size()];
        List<@Nullable CompletableFuture<?>> sends = new ArrayList<>(events.size());
        Throwable failure = null;
        for (int i = 0; i < events.size() && failure == null; i++) {
            sends.add(null);
            PendingEvent event = events.get(i);
            ProducerRecord<String, byte[]> record;
            try {
                record = records.of(event);
            } catch (RuntimeException malformed) {
                // the row's data cannot become an event, now or later
                outcomes[i] = new SendOutcome.Refused("not an event: " + Refusals.describe(malformed));
                continue;
            }
            CompletableFuture<?> send;
            try {
                send = kafka.send(record);
            } catch (RuntimeException failed) {
                send = CompletableFuture.failedFuture(failed);
            }
            if (send.isCompletedExceptionally()) {
                Throwable cause = causeOf(send);
                outcomes[i] = settled(event, cause);
                failure = outcomes[i] instanceof SendOutcome.Unsettled ? cause : null;
            } else {
                sends.set(i, send);
            }
        }
        for (int i = 0; i < events.size(); i++) {
            CompletableFuture<?> send = i < sends.size() ? sends.get(i) : null;
            if (send != null) {
                try {
                    Object result = send.get();
                    RecordMetadata stored = result instanceof SendResult<?, ?> sent ? sent.getRecordMetadata() : null;
                    outcomes[i] = new SendOutcome.Acknowledged(
                            stored == null
                                    ? null
                                    : new OutboxRelay.StoredAt(stored.topic(), stored.partition(), stored.offset()));
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    outcomes[i] = settled(events.get(i), cause);
                    failure = outcomes[i] instanceof SendOutcome.Unsettled && failure == null ? cause : failure;
                }
            } else if (outcomes[i] == null) {
                outcomes[i] = new SendOutcome.Unsettled();
            }
        }
        if (failure != null) {
            long acknowledged = Arrays.stream(outcomes)
                    .filter(SendOutcome.Acknowledged.class::isInstance)
                    .count();
            log.warn(
                    "outbox relay: {} of {} events acknowledged, the rest stay for the next attempt: {}",
                    acknowledged,
                    events.size(),
                    failure.toString());
        }
        return List.of(outcomes);
    }

    private SendOutcome settled(PendingEvent event, Throwable failure) {
        String reason = refusals.reason(event, failure);
        return reason == null ? new SendOutcome.Unsettled() : new SendOutcome.Refused(reason);
    }

    private static Throwable causeOf(CompletableFuture<?> failed) {
        try {
            failed.join();
            throw new IllegalStateException("a failed send completed");
        } catch (CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }
}
