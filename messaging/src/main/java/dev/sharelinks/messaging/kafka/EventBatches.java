package dev.sharelinks.messaging.kafka;

import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.MalformedEventException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.BatchListenerFailedException;

/** Reads the records of a batch listener's poll as events, for a listener that applies them all at once. */
public final class EventBatches {

    private EventBatches() {}

    /**
     * Reads the records (the poll's, in order, or some of them) and hands the events to {@code apply} in one call. A
     * record that is not an event stops the reading: the events before it are applied, and a
     * {@link BatchListenerFailedException} naming it lets the error handler commit those, send it to the dead-letter
     * topic, and go on with the records after it.
     */
    public static void apply(
            List<ConsumerRecord<String, byte[]>> records, EventSerde serde, Consumer<List<EventEnvelope<?>>> apply) {
        List<EventEnvelope<?>> events = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                events.add(serde.read(record.value()));
            } catch (MalformedEventException e) {
                apply.accept(events);
                // the record itself, not its index: the caller may have left records of the poll out
                // a MalformedEventException is always made with its reason
                throw new BatchListenerFailedException(Objects.requireNonNull(e.getMessage(), "reason"), e, record);
            }
        }
        apply.accept(events);
    }
}
