package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.LinkCreated;
import java.time.Instant;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Redeems of keys that name nothing are limited per client address; links that exist are always served. */
// a low limit, and the client address taken from X-Forwarded-For, as behind an ingress
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sharelinks.redeem.miss-limit.misses=3", "server.forward-headers-strategy=native"})
class MissLimitTest extends RedirectorIntegrationTest {

    @Autowired
    MeterRegistry meters;

    @Test
    void whenAClientGuessesTooManyKeysThenItGets429ButLinksThatExistStillWork() {
        LinkCreated live = publishLink("media/limit/live", "live.bin", 10, Instant.now().plusSeconds(3600));
        LinkCreated exhausted = publishLink("media/limit/gone", "gone.bin", 1, Instant.now().plusSeconds(3600));
        redeem("198.51.100.9", exhausted.key()).expectStatus().isFound();

        for (int i = 0; i < 3; i++) {
            redeem("203.0.113.7", "guess-" + i).expectStatus().isNotFound();
        }
        redeem("203.0.113.7", "guess-3")
                .expectStatus().isEqualTo(429)
                .expectHeader().value("Retry-After", value -> assertThat(Integer.parseInt(value)).isBetween(1, 60))
                .expectBody().json("{\"error\": \"Too many requests for links that do not exist\"}", true);
        http.head().uri("/api/v2/shareable_links/guess-4").header("X-Forwarded-For", "203.0.113.7").exchange()
                .expectStatus().isEqualTo(429);
        http.get().uri("/share/no-such-token").header("X-Forwarded-For", "203.0.113.7").exchange()
                .expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.code").isEqualTo("too-many-requests");

        // hits are never limited, and a used-up link is a late recipient, not a guess
        redeem("203.0.113.7", live.key()).expectStatus().isFound();
        redeem("203.0.113.7", exhausted.key()).expectStatus().isNotFound();
        // other clients are not affected
        redeem("198.51.100.20", "guess-0").expectStatus().isNotFound();

        // and the refusals are counted by reason
        assertThat(refused("link", "unknown")).isEqualTo(4);      // three guesses, and the other client's
        assertThat(refused("link", "throttled")).isEqualTo(2);    // the GET and the HEAD over the limit
        assertThat(refused("share-token", "throttled")).isEqualTo(1);
        assertThat(refused("link", "not-live")).isEqualTo(1);     // the used-up link
    }

    private double refused(String route, String reason) {
        return meters.get("sharelinks.redeem.refused").tag("route", route).tag("reason", reason).counter().count();
    }

    private WebTestClient.ResponseSpec redeem(String client, String key) {
        return http.get().uri("/api/v2/shareable_links/{key}", key).header("X-Forwarded-For", client).exchange();
    }
}
