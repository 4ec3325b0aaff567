package dev.sharelinks.messaging.outbox;

import io.r2dbc.spi.Readable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** The relay's statements on the outbox table: run inside the relay's transaction, but for the backlog count. */
class OutboxRows {

    /**
     * The relay's lock, one per outbox table: advisory locks are database-wide and the services' schemas may share a
     * database, so the key is this constant and the outbox's table oid (a key space apart from single bigint keys).
     */
    private static final String LOCK =
            "SELECT pg_try_advisory_xact_lock(:relay, CAST(CAST('outbox' AS regclass) AS oid)::int)" + " AS locked";

    private static final int RELAY_LOCK = 0x5348_524C;

    /**
     * The oldest rows, one result row per event (a row of several events becomes one per element, in order), as many
     * rows as fit in {@code :limit} events; the first row always, however many events it holds. {@code head_events}
     * counts the events of the first {@code :limit} rows, read to choose them: more than were returned means rows
     * that did not fit are waiting. {@code read_micros} is the database's time of the read, to age the events by the
     * clock that stamped them.
     */
    private static final String OLDEST = """
            SELECT o.seq, o.event_id, o.topic, coalesce(o.event_key, o.event_keys[e.nth]) AS event_key,
                   o.event_type, (extract(epoch FROM o.occurred_at) * 1000000)::bigint AS occurred_micros,
                   coalesce(e.data, o.data)::text AS data, o.trace_context::text AS trace_context, e.nth,
                   o.head_events, (extract(epoch FROM now()) * 1000000)::bigint AS read_micros
            FROM (SELECT *, sum(coalesce(cardinality(event_keys), 1)) OVER (ORDER BY seq) AS events_so_far,
                         sum(coalesce(cardinality(event_keys), 1)) OVER () AS head_events
                  FROM (SELECT * FROM outbox ORDER BY seq LIMIT :limit) head) o
            LEFT JOIN LATERAL jsonb_array_elements(CASE WHEN o.event_keys IS NOT NULL THEN o.data END)
                WITH ORDINALITY AS e(data, nth) ON true
            WHERE o.events_so_far <= :limit OR o.events_so_far = coalesce(cardinality(o.event_keys), 1)
            ORDER BY o.seq, e.nth""";

    private static final String DEAD_LETTER = """
            WITH dead AS (
                DELETE FROM outbox o USING unnest(CAST(:seqs AS bigint[]), CAST(:reasons AS text[])) AS r(seq, reason)
                WHERE o.seq = r.seq
                RETURNING o.*, r.reason
            )
            INSERT INTO outbox_dead_letters (seq, event_id, topic, event_key, event_keys, event_type, occurred_at, data,
                                             trace_context, reason)
            SELECT seq, event_id, topic, event_key, event_keys, event_type, occurred_at, data, trace_context, reason
            FROM dead""";

    private final DatabaseClient db;

    OutboxRows(DatabaseClient db) {
        this.db = db;
    }

    /** Whether this transaction got the relay's lock: only one replica's relay publishes at a time. */
    Mono<Boolean> lockForThisTransaction() {
        return db.sql(LOCK)
                .bind("relay", RELAY_LOCK)
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one();
    }

    /** The oldest events, up to {@code events} of them in whole rows ({@link #OLDEST}). */
    Mono<Oldest> oldest(int events) {
        return db.sql(OLDEST)
                .bind("limit", events)
                .map(row ->
                        new Read(event(row), row.get("head_events", Long.class), row.get("read_micros", Long.class)))
                .all()
                .collectList()
                .map(read -> new Oldest(
                        read.stream().map(Read::event).toList(),
                        read.size() >= events || (!read.isEmpty() && read.get(0).headEvents() > read.size()),
                        read.isEmpty()
                                ? Instant.EPOCH
                                : Instant.EPOCH.plus(read.get(0).readMicros(), ChronoUnit.MICROS)));
    }

    private static PendingEvent event(Readable row) {
        return new PendingEvent(
                row.get("seq", Long.class),
                eventId(row.get("event_id", UUID.class), row.get("nth", Long.class)),
                row.get("topic", String.class),
                row.get("event_key", String.class),
                row.get("event_type", String.class),
                // a number rather than timestamptz's text, whose parsing was a fifth of the relay's CPU
                Instant.EPOCH.plus(row.get("occurred_micros", Long.class), ChronoUnit.MICROS),
                row.get("data", String.class),
                TraceContextHeaders.read(row.get("trace_context", String.class)));
    }

    /**
     * The id of a row's event: the row's own for a single event; for the {@code nth} event of a row of several, one
     * derived from the row's, so that the row published again (after a lost acknowledgement) repeats its ids.
     */
    static UUID eventId(UUID rowEventId, @Nullable Long nth) {
        return nth == null
                ? rowEventId
                : UUID.nameUUIDFromBytes((rowEventId + "/" + nth).getBytes(StandardCharsets.UTF_8));
    }

    Mono<Void> delete(List<Long> seqs) {
        return seqs.isEmpty()
                ? Mono.empty()
                : db.sql("DELETE FROM outbox WHERE seq = ANY(:seqs)")
                        .bind("seqs", seqs.toArray(Long[]::new))
                        .then();
    }

    /** Moves rows to {@code outbox_dead_letters}, each with the reason Kafka refused it. */
    Mono<Void> deadLetter(Map<Long, String> reasons) {
        if (reasons.isEmpty()) {
            return Mono.empty();
        }
        Long[] seqs = reasons.keySet().toArray(Long[]::new);
        String[] texts = new String[seqs.length];
        for (int i = 0; i < seqs.length; i++) {
            texts[i] = reasons.get(seqs[i]);
        }
        return db.sql(DEAD_LETTER).bind("seqs", seqs).bind("reasons", texts).then();
    }

    Mono<Backlog> backlog() {
        return db.sql("""
                        SELECT coalesce(sum(coalesce(cardinality(event_keys), 1)), 0) AS pending,
                               coalesce(extract(epoch FROM now() - min(occurred_at)), 0)::float8 AS oldest
                        FROM outbox""")
                .map(row -> new Backlog(row.get("pending", Long.class), row.get("oldest", Double.class)))
                .one();
    }

    /**
     * The oldest events, in order, and whether more wait behind them: the next row did not fit in the limit (rows of
     * several events rarely fill it exactly), or the events reached it.
     *
     * @param readAt the database's time of the read (the epoch when it found nothing)
     */
    record Oldest(List<PendingEvent> events, boolean moreWaiting, Instant readAt) {}

    /** One result row: an event, the events of the rows read to choose the batch, and when it was read. */
    private record Read(PendingEvent event, long headEvents, long readMicros) {}

    /** The events waiting in the outbox, and how long the oldest has waited. */
    record Backlog(long pending, double oldestAgeSeconds) {

        static final Backlog NONE = new Backlog(0, 0);

        /** These events waiting, aged at {@code readAt}, by the database's clock that stamped them. */
        static Backlog of(List<PendingEvent> events, Instant readAt) {
            return events.stream()
                    .map(PendingEvent::occurredAt)
                    .min(Instant::compareTo)
                    .map(oldest -> new Backlog(
                            events.size(),
                            Math.max(0, Duration.between(oldest, readAt).toNanos() / 1e9)))
                    .orElse(NONE);
        }
    }
}
