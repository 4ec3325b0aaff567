package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Redeems of keys that name nothing are limited per client address; links that exist are always served. Who the
 * client is, behind a trusted proxy.
 */
// a low limit, and the client address taken from X-Forwarded-For of this machine's requests, as behind a gateway
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sharelinks.redeem.miss-limit.misses=3", "TRUSTED_PROXIES=127.0.0.0/8, ::1"})
// a context no other class shares: closed after the class, so its relay, pollers and consumers stop
@DirtiesContext
class MissLimitIT extends RedirectorIntegrationTest {

    @Autowired
    MeterRegistry meters;

    @Test
    void whenAClientGuessesTooManyKeysThenItGets429ButLinksThatExistStillWork() {
        PublishedLink live =
                publishLink("media/limit/live", "live.bin", 10, Instant.now().plusSeconds(3600));
        PublishedLink exhausted =
                publishLink("media/limit/gone", "gone.bin", 1, Instant.now().plusSeconds(3600));
        redeem("198.51.100.9", exhausted.key()).expectStatus().isFound();

        for (int i = 0; i < 3; i++) {
            redeem("203.0.113.7", "guess-" + i).expectStatus().isNotFound();
        }
        redeem("203.0.113.7", "guess-3")
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .value(
                        "Retry-After",
                        value -> assertThat(Integer.parseInt(value)).isBetween(1, 60))
                .expectBody()
                .json("{\"error\": \"Too many requests for links that do not exist\"}", true);
        http.head()
                .uri("/api/v2/shareable_links/guess-4")
                .header("X-Forwarded-For", "203.0.113.7")
                .exchange()
                .expectStatus()
                .isEqualTo(429);
        http.get()
                .uri("/share/no-such-token")
                .header("X-Forwarded-For", "203.0.113.7")
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("too-many-requests");

        // hits are never limited, and a used-up link is a late recipient, not a guess
        redeem("203.0.113.7", live.key()).expectStatus().isFound();
        redeem("203.0.113.7", exhausted.key()).expectStatus().isNotFound();
        // other clients are not affected
        redeem("198.51.100.20", "guess-0").expectStatus().isNotFound();

        // and the refusals are counted by reason
        assertThat(refused("link", "unknown")).isEqualTo(4); // three guesses, and the other client's
        assertThat(refused("link", "throttled")).isEqualTo(2); // the GET and the HEAD over the limit
        assertThat(refused("share-token", "throttled")).isEqualTo(1);
        assertThat(refused("link", "not-live")).isEqualTo(1); // the used-up link
    }

    /**
     * The client is the right-most address a trusted proxy did not add: what a client writes in X-Forwarded-For
     * itself is on the left and never read; a header that is not a list of IP literals leaves the proxy as the client.
     */
    @Test
    void theClientIsTheRightMostAddressNoTrustedProxyAdded() {
        Map<String, String> clientOf = new LinkedHashMap<>();
        clientOf.put("203.0.113.7", "203.0.113.7");
        clientOf.put("198.51.100.66, 203.0.113.8", "203.0.113.8");
        clientOf.put("203.0.113.9, 127.0.0.5", "203.0.113.9");
        clientOf.put("127.0.0.6, 127.0.0.7", "127.0.0.6");
        clientOf.put("2001:db8::1", "2001:db8:0:0:0:0:0:1");
        clientOf.put("not-an-address", "127.0.0.1");
        clientOf.put("attacker.example, 203.0.113.10", "203.0.113.10");
        clientOf.put("203.0.113.11, attacker.example", "127.0.0.1");
        // an empty element is no address either, at the end as in the middle
        clientOf.put("203.0.113.12,", "127.0.0.1");
        clientOf.put("203.0.113.13, , 127.0.0.8", "127.0.0.1");
        for (Map.Entry<String, String> forwarded : clientOf.entrySet()) {
            PublishedLink link =
                    publishLink("media/limit/who", "who.bin", 1, Instant.now().plusSeconds(3600));
            redeem(forwarded.getKey(), link.key()).expectStatus().isFound();
            assertThat(clientAddressOf(link)).as(forwarded.getKey()).isEqualTo(forwarded.getValue());
        }
        PublishedLink rfc7239 =
                publishLink("media/limit/who", "who.bin", 1, Instant.now().plusSeconds(3600));
        http.get()
                .uri("/api/v2/shareable_links/{key}", rfc7239.key())
                .header("Forwarded", "for=198.51.100.1, for=\"[2001:db8::2]:4711\";proto=https")
                .exchange()
                .expectStatus()
                .isFound();
        assertThat(clientAddressOf(rfc7239)).isEqualTo("2001:db8:0:0:0:0:0:2");
    }

    private String clientAddressOf(PublishedLink link) {
        String key = String.valueOf(link.linkId());
        return TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.DOWNLOADS,
                        seen -> seen.stream().anyMatch(r -> r.key().equals(key)),
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> r.key().equals(key))
                .map(r -> serde.read(r.value(), DownloadConsumed.class).data().clientAddress())
                .findFirst()
                .orElseThrow();
    }

    private double refused(String route, String reason) {
        return meters.get("sharelinks.redeem.refused")
                .tag("route", route)
                .tag("reason", reason)
                .counter()
                .count();
    }

    private WebTestClient.ResponseSpec redeem(String client, String key) {
        return http.get()
                .uri("/api/v2/shareable_links/{key}", key)
                .header("X-Forwarded-For", client)
                .exchange();
    }
}
