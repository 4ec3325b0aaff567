package dev.sharelinks.events;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/**
 * The wire format of every event: a JSON envelope with the data inside. Consumers map the data to their own
 * record by the envelope's {@code type}; unknown extra fields are ignored so a v1 event can grow compatibly.
 * Thread-safe; build one per application.
 */
public final class EventSerde {

    private final JsonMapper mapper;

    public EventSerde() {
        this.mapper = JsonMapper.builder()
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .build();
    }

    /** Wraps an event record in a fresh envelope. */
    public <T> EventEnvelope<T> envelope(T data, String source, String subject, Instant occurredAt) {
        return new EventEnvelope<>(
                UUID.randomUUID(), EventType.of(data).typeName(), occurredAt, source, subject, data);
    }

    public byte[] serialize(EventEnvelope<?> envelope) {
        return mapper.writeValueAsBytes(envelope);
    }

    /** The JSON of an event's data alone, as the outbox stores it. */
    public String dataToJson(Object data) {
        return mapper.writeValueAsString(data);
    }

    /**
     * Reads an envelope whose data is still raw JSON, e.g. to publish an outbox row or to look at the type
     * before deciding what to do.
     */
    public EventEnvelope<JsonNode> readRaw(byte[] json) {
        try {
            JsonNode tree = mapper.readTree(json);
            if (tree == null || !tree.isObject()) {
                throw new MalformedEventException("event is not a JSON object");
            }
            return mapper.treeToValue(tree, mapper.getTypeFactory()
                    .constructParametricType(EventEnvelope.class, JsonNode.class));
        } catch (JacksonException e) {
            throw new MalformedEventException("not a Sharelinks event envelope: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads an envelope and maps its data to the record its {@code type} names. */
    public EventEnvelope<?> read(byte[] json) {
        EventEnvelope<JsonNode> raw = readRaw(json);
        EventType type = EventType.fromTypeName(raw.type())
                .orElseThrow(() -> new MalformedEventException("unknown event type " + raw.type()));
        return withData(raw, dataOf(raw, type.dataType()));
    }

    /** Reads an envelope that must carry the given record type. */
    public <T> EventEnvelope<T> read(byte[] json, Class<T> dataType) {
        EventEnvelope<?> envelope = read(json);
        if (!dataType.isInstance(envelope.data())) {
            throw new MalformedEventException("expected " + dataType.getSimpleName() + " but got " + envelope.type());
        }
        return withData(envelope, dataType.cast(envelope.data()));
    }

    /**
     * Builds the wire bytes of an envelope whose data is already JSON text (an outbox row's, which PostgreSQL's
     * jsonb guarantees is valid): the text goes into the envelope as it is, not parsed into a tree and written out
     * again, which was over a quarter of the redirector's relay CPU per event.
     */
    public byte[] serialize(UUID eventId, String type, Instant occurredAt, String source, String subject,
            String dataJson) {
        return serialize(new EventEnvelope<>(eventId, type, occurredAt, source, subject, new RawValue(dataJson)));
    }

    private <T> T dataOf(EventEnvelope<JsonNode> raw, Class<T> dataType) {
        try {
            return mapper.treeToValue(raw.data(), dataType);
        } catch (JacksonException e) {
            throw new MalformedEventException(
                    "invalid " + raw.type() + " data in event " + raw.eventId() + ": " + e.getOriginalMessage(), e);
        }
    }

    private static <T> EventEnvelope<T> withData(EventEnvelope<?> envelope, T data) {
        return new EventEnvelope<>(
                envelope.eventId(), envelope.type(), envelope.occurredAt(), envelope.source(), envelope.subject(),
                data);
    }
}
