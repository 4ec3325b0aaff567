package dev.sharelinks.events;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * The wire format of every event: a JSON envelope with the data inside. Consumers map the data to their own
 * record by the envelope's {@code type}; unknown extra fields are ignored so a v1 event can grow compatibly.
 * A v1 event grows by {@code @Nullable} fields only: such a field absent from an older event reads as null, while
 * every other field is required, so an event that lost one is refused as malformed. An older version of a type
 * reads as the current record ({@link EventType}). Thread-safe; build one per application.
 */
public final class EventSerde {

    private final JsonMapper mapper;
    /** Per record type, its fields as the wire sees them: nullable ones are optional, records are walked into. */
    private final ClassValue<List<Field>> fields = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            return Arrays.stream(type.getRecordComponents()).map(Field::of).toList();
        }
    };

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
        return new EventEnvelope<>(UUID.randomUUID(), EventType.of(data).typeName(), occurredAt, source, subject, data);
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
            return mapper.treeToValue(
                    tree, mapper.getTypeFactory().constructParametricType(EventEnvelope.class, JsonNode.class));
        } catch (JacksonException e) {
            throw new MalformedEventException("not a Sharelinks event envelope: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads an envelope and maps its data to the record its {@code type} names. */
    public EventEnvelope<?> read(byte[] json) {
        EventEnvelope<JsonNode> raw = readRaw(json);
        EventType type = EventType.fromTypeName(raw.type())
                .orElseThrow(() -> new MalformedEventException("unknown event type " + raw.type()));
        if (raw.data() instanceof ObjectNode data) {
            type.upcast(raw.type(), data);
        }
        // FAIL_ON_MISSING_CREATOR_PROPERTIES would refuse an event written before a nullable field existed
        nullForAbsentOptionalFields(type.dataType(), raw.data());
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
    public byte[] serialize(
            UUID eventId, String type, Instant occurredAt, String source, String subject, String dataJson) {
        return serialize(new EventEnvelope<>(eventId, type, occurredAt, source, subject, new RawValue(dataJson)));
    }

    /** Puts an explicit null where a record (or a record in it, or in a list of it) lacks a nullable field. */
    private void nullForAbsentOptionalFields(Class<?> recordType, JsonNode json) {
        if (!(json instanceof ObjectNode object)) {
            return;
        }
        for (Field field : fields.get(recordType)) {
            JsonNode value = object.get(field.name());
            if (value == null) {
                if (field.optional()) {
                    object.putNull(field.name());
                }
            } else if (field.recordType() != null && field.list()) {
                value.forEach(element -> nullForAbsentOptionalFields(field.recordType(), element));
            } else if (field.recordType() != null) {
                nullForAbsentOptionalFields(field.recordType(), value);
            }
        }
    }

    /**
     * @param recordType the field's record type, or its elements' for a list of records; null for anything else
     */
    private record Field(
            String name, boolean optional, @Nullable Class<?> recordType, boolean list) {

        static Field of(RecordComponent component) {
            boolean optional = component.getAnnotatedType().isAnnotationPresent(Nullable.class);
            Class<?> type = component.getType();
            if (type.isRecord()) {
                return new Field(component.getName(), optional, type, false);
            }
            if (List.class.isAssignableFrom(type)
                    && component.getGenericType() instanceof ParameterizedType list
                    && list.getActualTypeArguments()[0] instanceof Class<?> element
                    && element.isRecord()) {
                return new Field(component.getName(), optional, element, true);
            }
            return new Field(component.getName(), optional, null, false);
        }
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
                envelope.eventId(),
                envelope.type(),
                envelope.occurredAt(),
                envelope.source(),
                envelope.subject(),
                data);
    }
}
