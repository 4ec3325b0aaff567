package dev.sharelinks.messaging.outbox;

import dev.sharelinks.events.EventSerde;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/** Turns an outbox event into its Kafka record: the envelope, and the CloudEvents and trace headers. */
class EventRecords {

    private final EventSerde serde;
    private final OutboxProperties properties;

    EventRecords(EventSerde serde, OutboxProperties properties) {
        this.serde = serde;
        this.properties = properties;
    }

    ProducerRecord<String, byte[]> of(PendingEvent event) {
        byte[] value = serde.serialize(
                event.eventId(), event.type(), event.occurredAt(), properties.source(), event.key(), event.data());
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(event.topic(), event.key(), value);
        header(record, "ce_specversion", "1.0");
        header(record, "ce_id", event.eventId().toString());
        header(record, "ce_type", event.type());
        header(record, "ce_source", properties.source());
        header(record, "ce_subject", event.key());
        header(record, "ce_time", event.occurredAt().toString());
        header(record, "content-type", "application/json");
        event.traceContext().forEach((name, text) -> header(record, name, text));
        if (properties.origin() != null) {
            header(record, OutboxProperties.ORIGIN_HEADER, properties.origin());
        }
        return record;
    }

    private static void header(ProducerRecord<String, byte[]> record, String name, String value) {
        record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }
}
