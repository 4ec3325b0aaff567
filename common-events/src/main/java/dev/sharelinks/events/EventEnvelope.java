package dev.sharelinks.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What travels on every topic: the event's identity and provenance around its data. The same fields go out as
 * CloudEvents-style Kafka headers ({@code ce_id}, {@code ce_type}, {@code ce_source}, {@code ce_time}).
 *
 * @param eventId unique per event; consumers deduplicate on it
 * @param type versioned type name such as {@code sharelinks.link.created.v1}, never a Java class name
 * @param occurredAt when the change happened (committed in the producer's database)
 * @param source the service that produced it, such as {@code link-api}
 * @param subject the aggregate id; also the Kafka record key, so one aggregate's history stays in order
 * @param data the event itself
 */
public record EventEnvelope<T>(UUID eventId, String type, Instant occurredAt, String source, String subject, T data) {

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(data, "data");
    }
}
