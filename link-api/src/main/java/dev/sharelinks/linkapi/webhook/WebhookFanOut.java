package dev.sharelinks.linkapi.webhook;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.DownloadCountSettled;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.LinkRevoked;
import dev.sharelinks.events.ShareMailDelivered;
import dev.sharelinks.events.ShareMailFailed;
import dev.sharelinks.events.Topics;
import dev.sharelinks.linkapi.download.DownloadLogProperties;
import dev.sharelinks.messaging.kafka.EventBatches;
import dev.sharelinks.messaging.kafka.KafkaPlumbingAutoConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the events of the link, download and share topics into webhook messages: one row in
 * {@code webhook_deliveries} per event and endpoint of the event's account that subscribed to its type before it
 * happened. A message's id comes from its event, so redelivered and replayed events write nothing twice. One
 * statement per poll; a poll while no endpoint wants any of its types costs one small query.
 */
@Component
class WebhookFanOut {

    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    private final DatabaseClient db;
    private final EventSerde serde;
    private final JsonMapper json;
    private final DownloadLogProperties downloadLog;
    private final WebhookProperties properties;

    WebhookFanOut(
            DatabaseClient db,
            EventSerde serde,
            JsonMapper json,
            DownloadLogProperties downloadLog,
            WebhookProperties properties) {
        this.db = db;
        this.serde = serde;
        this.json = json;
        this.downloadLog = downloadLog;
        this.properties = properties;
    }

    @KafkaListener(
            topics = {Topics.LINKS, Topics.DOWNLOADS, Topics.SHARES},
            groupId = "${sharelinks.link-api.webhooks.consumer-group:link-api-webhooks}",
            batch = "true",
            containerFactory = KafkaPlumbingAutoConfiguration.BATCH_LISTENER_FACTORY)
    void on(List<ConsumerRecord<String, byte[]>> records) {
        EventBatches.apply(records, serde, this::apply);
    }

    private void apply(List<EventEnvelope<?>> events) {
        Set<String> subscribed = subscribedTypes();
        if (subscribed.isEmpty()) {
            return;
        }
        Map<RecipientKey, String> recipients =
                subscribed.contains(WebhookEventType.LINK_DOWNLOADED.wireName()) ? recipients(events) : Map.of();
        List<Message> messages = new ArrayList<>();
        for (EventEnvelope<?> event : events) {
            for (Message message : messages(event, recipients)) {
                if (subscribed.contains(message.type().wireName())) {
                    messages.add(message);
                }
            }
        }
        if (!messages.isEmpty()) {
            write(messages);
        }
    }

    /** The messages an event makes: none, one, or for a link's last download, the download and the exhaustion. */
    private List<Message> messages(EventEnvelope<?> event, Map<RecipientKey, String> recipients) {
        if (event.data() instanceof DownloadConsumed download) {
            Message downloaded = downloaded(event, download, recipients);
            // a leased download's count is an upper bound, so 0 is exact here too
            return download.remaining() == 0
                    ? List.of(downloaded, exhausted(download.linkId(), event.occurredAt()))
                    : List.of(downloaded);
        }
        if (event.data() instanceof DownloadCountSettled settled && settled.remaining() == 0) {
            // a hot link's leases ended with nothing left: its downloads may each have reported more
            return List.of(exhausted(settled.linkId(), event.occurredAt()));
        }
        Message message = message(event);
        return message == null ? List.of() : List.of(message);
    }

    private @Nullable Message message(EventEnvelope<?> event) {
        ObjectNode data = json.createObjectNode();
        if (event.data() instanceof LinkRevoked revoked) {
            data.put("link_id", revoked.linkId());
            data.put("revoked_at", event.occurredAt().toString());
            return new Message(
                    messageId(event.eventId()),
                    WebhookEventType.LINK_REVOKED,
                    event.occurredAt(),
                    revoked.accountId(),
                    revoked.linkId(),
                    "link:" + revoked.linkId(),
                    body(WebhookEventType.LINK_REVOKED, event.occurredAt(), data));
        }
        if (event.data() instanceof ShareMailDelivered delivered) {
            data.put("share_id", delivered.shareId());
            data.put("recipient", delivered.recipient());
            data.putPOJO("link_ids", delivered.linkIds());
            return new Message(
                    messageId(event.eventId()),
                    WebhookEventType.SHARE_DELIVERED,
                    event.occurredAt(),
                    delivered.accountId(),
                    null,
                    "share:" + delivered.shareId(),
                    body(WebhookEventType.SHARE_DELIVERED, event.occurredAt(), data));
        }
        if (event.data() instanceof ShareMailFailed failed) {
            data.put("share_id", failed.shareId());
            data.put("recipient", failed.recipient());
            data.put("reason", failed.reason());
            data.putPOJO("link_ids", failed.linkIds());
            return new Message(
                    messageId(event.eventId()),
                    WebhookEventType.SHARE_FAILED,
                    event.occurredAt(),
                    failed.accountId(),
                    null,
                    "share:" + failed.shareId(),
                    body(WebhookEventType.SHARE_FAILED, event.occurredAt(), data));
        }
        return null;
    }

    private Message downloaded(
            EventEnvelope<?> event, DownloadConsumed download, Map<RecipientKey, String> recipients) {
        ObjectNode data = json.createObjectNode();
        data.put("link_id", download.linkId());
        data.put("downloaded_at", event.occurredAt().toString());
        data.put(
                "recipient",
                download.recipientRef() == null
                        ? null
                        : recipients.get(new RecipientKey(download.recipientRef(), download.linkId())));
        data.put("client_address", downloadLog.clientAddress().keep(download.clientAddress()));
        data.put("user_agent", download.userAgent());
        data.put("remaining", download.remaining());
        return new Message(
                messageId(event.eventId()),
                WebhookEventType.LINK_DOWNLOADED,
                event.occurredAt(),
                null,
                download.linkId(),
                "link:" + download.linkId(),
                body(WebhookEventType.LINK_DOWNLOADED, event.occurredAt(), data));
    }

    /** One message per link however many events report it exhausted (a download and its lease's settlement). */
    private Message exhausted(long linkId, Instant occurredAt) {
        ObjectNode data = json.createObjectNode();
        data.put("link_id", linkId);
        data.put("exhausted_at", occurredAt.toString());
        UUID id = UUID.nameUUIDFromBytes(("link.exhausted/" + linkId).getBytes(StandardCharsets.UTF_8));
        return new Message(
                messageId(id),
                WebhookEventType.LINK_EXHAUSTED,
                occurredAt,
                null,
                linkId,
                "link:" + linkId,
                body(WebhookEventType.LINK_EXHAUSTED, occurredAt, data));
    }

    private String body(WebhookEventType type, Instant occurredAt, ObjectNode data) {
        ObjectNode body = json.createObjectNode();
        body.put("type", type.wireName());
        body.put("timestamp", occurredAt.toString());
        body.set("data", data);
        return json.writeValueAsString(body);
    }

    private static String messageId(UUID id) {
        return "msg_" + id.toString().replace("-", "");
    }

    private Set<String> subscribedTypes() {
        return new HashSet<>(db.sql("SELECT DISTINCT unnest(events) AS type FROM webhook_endpoints")
                .map(row -> row.get("type", String.class))
                .all()
                .collectList()
                .block(STATEMENT_TIMEOUT));
    }

    /** The recipients whose references the downloads came through, for a share that carries the link. */
    private Map<RecipientKey, String> recipients(List<EventEnvelope<?>> events) {
        List<RecipientKey> keys = events.stream()
                .filter(event -> event.data() instanceof DownloadConsumed download && download.recipientRef() != null)
                .map(event -> (DownloadConsumed) event.data())
                // the filter above kept only downloads with a reference
                .map(download -> new RecipientKey(Objects.requireNonNull(download.recipientRef()), download.linkId()))
                .distinct()
                .toList();
        if (keys.isEmpty()) {
            return Map.of();
        }
        // collectMap emits a map, empty when no recipient matched
        return Objects.requireNonNull(
                db.sql("""
                        SELECT k.ref, k.link_id, r.address
                        FROM unnest(CAST(:refs AS text[]), CAST(:links AS bigint[])) AS k(ref, link_id)
                        JOIN share_recipients r ON r.ref = k.ref
                        JOIN shares s ON s.id = r.share_id AND k.link_id = ANY (s.link_ids)""")
                        .bind("refs", keys.stream().map(RecipientKey::ref).toArray(String[]::new))
                        .bind("links", keys.stream().map(RecipientKey::linkId).toArray(Long[]::new))
                        .map(row -> Map.entry(
                                new RecipientKey(row.get("ref", String.class), row.get("link_id", Long.class)),
                                row.get("address", String.class)))
                        .all()
                        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                        .block(STATEMENT_TIMEOUT),
                "recipients");
    }

    /**
     * Writes each message once per subscribed endpoint of its account (a download's account is its link's), with its
     * event's time: one endpoint's messages about one subject are sent in that order (then in this poll's order), the
     * first no sooner than the order window after it was written, so that an event read later can still go first.
     */
    private void write(List<Message> messages) {
        db.sql("""
                        INSERT INTO webhook_deliveries (endpoint_id, message_id, subject, event_type, body, occurred_at,
                                                        next_attempt_at)
                        SELECT w.id, m.message_id, m.subject, m.type, m.body, m.occurred_at,
                               now() + make_interval(secs => :window)
                        FROM unnest(CAST(:ids AS text[]), CAST(:types AS text[]), CAST(:times AS timestamptz[]),
                                    CAST(:accounts AS bigint[]), CAST(:links AS bigint[]), CAST(:subjects AS text[]),
                                    CAST(:bodies AS text[]))
                             WITH ORDINALITY AS m(message_id, type, occurred_at, account_id, link_id, subject, body,
                                                  position)
                        LEFT JOIN links l ON l.id = m.link_id
                        JOIN webhook_endpoints w ON w.account_id = coalesce(m.account_id, l.account_id)
                             AND m.type = ANY (w.events) AND w.created_at <= m.occurred_at
                        ORDER BY m.position, w.id
                        ON CONFLICT (endpoint_id, message_id) DO NOTHING""")
                .bind("ids", messages.stream().map(Message::id).toArray(String[]::new))
                .bind("types", messages.stream().map(m -> m.type().wireName()).toArray(String[]::new))
                .bind(
                        "times",
                        messages.stream().map(m -> m.occurredAt().toString()).toArray(String[]::new))
                .bind("accounts", messages.stream().map(Message::accountId).toArray(Long[]::new))
                .bind("links", messages.stream().map(Message::linkId).toArray(Long[]::new))
                .bind("subjects", messages.stream().map(Message::subject).toArray(String[]::new))
                .bind("bodies", messages.stream().map(Message::body).toArray(String[]::new))
                .bind("window", (double) properties.orderWindow().toMillis() / 1000)
                .then()
                .block(STATEMENT_TIMEOUT);
    }

    /** @param accountId the account the event names; null for a download, whose link names it */
    private record Message(
            String id,
            WebhookEventType type,
            Instant occurredAt,
            @Nullable Long accountId,
            @Nullable Long linkId,
            String subject,
            String body) {}

    private record RecipientKey(String ref, long linkId) {}
}
