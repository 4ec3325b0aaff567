package dev.sharelinks.linkapi.download;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The download log's table: entries written from the downloads topic, read a page at a time in time order. */
@Repository
class DownloadLog {

    private final DatabaseClient db;

    DownloadLog(DatabaseClient db) {
        this.db = db;
    }

    /**
     * One event of a link's downloads topic.
     *
     * @param repeat a DownloadRepeated (a person's repeat, nothing spent) rather than a DownloadConsumed
     * @param recipientRef the reference of the recipient's URL the download came through, as the event carried it
     * @param remaining the count the download reported; null for a repeat
     */
    record Entry(
            UUID eventId,
            long linkId,
            boolean repeat,
            Instant occurredAt,
            @Nullable String recipientRef,
            @Nullable String clientAddress,
            @Nullable String userAgent,
            @Nullable Integer remaining) {}

    /** Writes the entries; one already written (a redelivered or replayed event) is left as it is. */
    Mono<Void> record(List<Entry> entries) {
        return db.sql("""
                        INSERT INTO download_log (event_id, link_id, repeat, occurred_at, recipient_ref, client_address,
                                                  user_agent, remaining)
                        SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:links AS bigint[]),
                                             CAST(:repeats AS boolean[]), CAST(:times AS timestamptz[]),
                                             CAST(:refs AS text[]), CAST(:clients AS text[]), CAST(:agents AS text[]),
                                             CAST(:remaining AS integer[]))
                        ON CONFLICT (link_id, occurred_at, event_id) DO NOTHING""")
                .bind("ids", entries.stream().map(e -> e.eventId().toString()).toArray(String[]::new))
                .bind("links", entries.stream().map(Entry::linkId).toArray(Long[]::new))
                .bind("repeats", entries.stream().map(Entry::repeat).toArray(Boolean[]::new))
                .bind(
                        "times",
                        entries.stream().map(e -> e.occurredAt().toString()).toArray(String[]::new))
                .bind("refs", entries.stream().map(Entry::recipientRef).toArray(String[]::new))
                .bind("clients", entries.stream().map(Entry::clientAddress).toArray(String[]::new))
                .bind("agents", entries.stream().map(Entry::userAgent).toArray(String[]::new))
                .bind("remaining", entries.stream().map(Entry::remaining).toArray(Integer[]::new))
                .then();
    }

    /**
     * Where a page ends: the last entry's time and event id, the log's order. A page's cursor encodes it with its link,
     * so another log's cursor is not taken for a position in this one.
     */
    record Position(Instant occurredAt, UUID eventId) {

        static final Position START = new Position(Instant.parse("0001-01-01T00:00:00Z"), new UUID(0, 0));

        /** The latest time a cursor may name: a four-digit year, as every download's time has. */
        private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

        String cursor(long linkId) {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((linkId + "/" + occurredAt + "/" + eventId).getBytes(StandardCharsets.UTF_8));
        }

        /**
         * The position a cursor of the link's log names; empty for anything that is not one (another link's, a time
         * no download of this service can have).
         */
        static Optional<Position> ofCursor(String cursor, long linkId) {
            try {
                String[] parts =
                        new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("/", -1);
                if (parts.length != 3 || !parts[0].equals(Long.toString(linkId))) {
                    return Optional.empty();
                }
                Instant occurredAt = Instant.parse(parts[1]);
                return occurredAt.isBefore(Instant.EPOCH) || occurredAt.isAfter(LATEST)
                        ? Optional.empty()
                        : Optional.of(new Position(occurredAt, UUID.fromString(parts[2])));
            } catch (IllegalArgumentException | DateTimeParseException notACursor) {
                return Optional.empty();
            }
        }
    }

    /** A download as the owner sees it, its recipient resolved. */
    record Download(
            Position position,
            @Nullable String recipient,
            @Nullable String clientAddress,
            @Nullable String userAgent,
            int remaining) {}

    /** Whether the link exists and is the account's: the log of any other answers 404, like the link's other routes. */
    Mono<Boolean> owned(long accountId, long linkId) {
        return db.sql("SELECT true AS owned FROM links WHERE id = :id AND account_id = :account")
                .bind("id", linkId)
                .bind("account", accountId)
                .map(row -> true)
                .one()
                .defaultIfEmpty(false);
    }

    /** How many downloads and repeats the link's log holds. */
    record Counts(long downloads, long repeats) {}

    /** A page of the log, and the whole log's counts, as one snapshot saw them. */
    record Page(List<Download> downloads, Counts counts) {}

    /**
     * The link's downloads after {@code after}, at most {@code limit} of them, in time order, with the counts: one
     * statement, so that the counts and the page agree while downloads arrive.
     */
    Mono<Page> page(long linkId, Position after, int limit) {
        // a reference counts only for a share that carries this link: another share's (or a made-up) one is nobody
        return db.sql("""
                        WITH counts AS (
                            SELECT count(*) FILTER (WHERE NOT repeat) AS downloads,
                                   count(*) FILTER (WHERE repeat) AS repeats
                            FROM download_log WHERE link_id = :link
                        ), page AS (
                            SELECT d.event_id, d.occurred_at, r.address AS recipient, d.client_address, d.user_agent,
                                   d.remaining
                            FROM download_log d
                            LEFT JOIN share_recipients r ON r.ref = d.recipient_ref
                                 AND EXISTS (SELECT 1 FROM shares s
                                             WHERE s.id = r.share_id AND d.link_id = ANY (s.link_ids))
                            WHERE d.link_id = :link AND NOT d.repeat
                              AND (d.occurred_at, d.event_id) > (CAST(:time AS timestamptz), CAST(:id AS uuid))
                            ORDER BY d.occurred_at, d.event_id
                            LIMIT :limit
                        )
                        SELECT c.downloads, c.repeats, p.*
                        FROM counts c LEFT JOIN page p ON true
                        ORDER BY p.occurred_at, p.event_id""")
                .bind("link", linkId)
                .bind("time", after.occurredAt().toString())
                .bind("id", after.eventId().toString())
                .bind("limit", limit)
                .map(row -> {
                    Counts counts = new Counts(row.get("downloads", Long.class), row.get("repeats", Long.class));
                    UUID eventId = row.get("event_id", UUID.class);
                    return new Row(
                            counts,
                            eventId == null
                                    ? null
                                    : new Download(
                                            new Position(
                                                    row.get("occurred_at", OffsetDateTime.class)
                                                            .toInstant(),
                                                    eventId),
                                            row.get("recipient", String.class),
                                            row.get("client_address", String.class),
                                            row.get("user_agent", String.class),
                                            row.get("remaining", Integer.class)));
                })
                .all()
                .collectList()
                .map(rows -> new Page(
                        rows.stream()
                                .map(Row::download)
                                .filter(Objects::nonNull)
                                .toList(),
                        rows.get(0).counts()));
    }

    /** One row of the page's statement: the counts, and a download unless the page is empty. */
    private record Row(Counts counts, @Nullable Download download) {}
}
