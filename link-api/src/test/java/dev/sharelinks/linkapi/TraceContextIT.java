package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * The trace of a request travels with the events it writes: the outbox keeps the request's W3C trace context and the
 * relay sends it as the record's {@code traceparent} header, for the consumers to continue.
 */
class TraceContextIT extends LinkApiIntegrationTest {

    private static final EventSerde SERDE = new EventSerde();

    private TestAccount account;

    @BeforeEach
    void account() {
        account = newAccount("bucket-trace");
    }

    @Test
    void whenARequestCarriesATraceparentThenTheEventsItWritesCarryTheSameTrace() {
        String traceId = randomHex(16);
        String clientSpan = randomHex(8);
        String traceparent = "00-" + traceId + "-" + clientSpan + "-01";

        long linkId = ((Number) http.post()
                        .uri("/api/v2/shareable_links")
                        .header("X-API-KEY", account.apiKey())
                        .header("traceparent", traceparent)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("""
                        {"expiry_date": "2099-01-01", "limit": 2, "payload": {"media_id": 4, "filename": "t.pdf"}}""")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody()
                        .get("id"))
                .longValue();
        http.post()
                .uri("/api/v2/shareable_links/share")
                .header("X-API-KEY", account.apiKey())
                .header("traceparent", traceparent)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"recipients\": [\"traced@example.test\"], \"shareable_link_ids\": [" + linkId + "]}")
                .exchange()
                .expectStatus()
                .isOk();

        String created = traceparentOf(Topics.LINKS, String.valueOf(linkId));
        assertThat(created)
                .matches("00-" + traceId + "-[0-9a-f]{16}-01")
                // the parent the consumer sees is the server's span, a child of the client's
                .doesNotContain(clientSpan);
        ConsumerRecord<String, byte[]> share = TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.SHARES,
                        seen -> seen.stream().anyMatch(r -> sharesLink(r, linkId)),
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> sharesLink(r, linkId))
                .findFirst()
                .orElseThrow();
        assertThat(header(share, "traceparent")).matches("00-" + traceId + "-[0-9a-f]{16}-01");
    }

    @Test
    void whenARequestCarriesNoTraceThenItsEventCarriesTheTraceTheServerStarted() {
        long first = createLink(account, 1);
        long second = createLink(account, 1);

        String firstTrace = traceparentOf(Topics.LINKS, String.valueOf(first));
        String secondTrace = traceparentOf(Topics.LINKS, String.valueOf(second));
        assertThat(firstTrace).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        assertThat(secondTrace).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        assertThat(firstTrace.substring(3, 35)).isNotEqualTo(secondTrace.substring(3, 35));
    }

    private static String traceparentOf(String topic, String key) {
        ConsumerRecord<String, byte[]> record = TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        topic,
                        seen -> seen.stream().anyMatch(r -> key.equals(r.key())),
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> key.equals(r.key()))
                .findFirst()
                .orElseThrow();
        return header(record, "traceparent");
    }

    private static boolean sharesLink(ConsumerRecord<String, byte[]> record, long linkId) {
        return SERDE.readRaw(record.value()).data().findValues("linkId").stream()
                .anyMatch(id -> id.asLong() == linkId);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("%s header of %s", name, record).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
