package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.ExportDefinition;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * PostgreSQL restarted under redeem load, of links and of a share token's URL: requests the database cannot serve
 * answer 503, never a 302 whose download was not recorded, and the redirector serves again once the database is
 * back, without a restart.
 */
class DatabaseRestartIT extends RedirectorIntegrationTest {

    private static final int LINKS = 10;
    private static final int LIMIT = 100_000;
    private static final int WORKERS = 8;

    @LocalServerPort
    int port;

    @Test
    void whenTheDatabaseRestartsUnderLoadThenRedeemsAnswer503AndEveryRedirectIsRecorded() throws Exception {
        List<PublishedLink> links = new ArrayList<>();
        for (int i = 0; i < LINKS; i++) {
            links.add(publishLink(
                    "media/restart/" + i, "restart.bin", LIMIT, Instant.now().plusSeconds(3600)));
        }
        long tokenId = newTokenId();
        TestToken token = token(ExportDefinition.HD, null, false, null, null);
        created(tokenId, token);
        AtomicInteger tokenRedirects = new AtomicInteger();
        Map<String, AtomicInteger> redirects = new ConcurrentHashMap<>();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> load = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            load.add(workers.submit(() -> {
                for (int i = worker; running.get(); i += WORKERS) {
                    // one request in LINKS + 1 is the share token's, which has grant statements of its own
                    boolean ofToken = i % (LINKS + 1) == LINKS;
                    PublishedLink link = links.get(i % (LINKS + 1) % LINKS);
                    String path = ofToken ? "/share/" + token.tokenValue() : "/api/v2/shareable_links/" + link.key();
                    int status = client.send(
                                    HttpRequest.newBuilder()
                                            .timeout(REQUEST_TIMEOUT)
                                            .uri(URI.create("http://127.0.0.1:" + port + path))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    if (ofToken) {
                        if (status == 302) {
                            tokenRedirects.incrementAndGet();
                        }
                    } else if (status == 302) {
                        redirects
                                .computeIfAbsent(link.key(), k -> new AtomicInteger())
                                .incrementAndGet();
                    }
                }
                return null;
            }));
        }

        PostgresServer postgres = SharedServers.postgres();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> count(statuses, 302) > 200);
            postgres.stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> count(statuses, 503) > 50);
        } finally {
            postgres.start();
        }
        int redirectsBeforeRecovery = count(statuses, 302);
        int tokenRedirectsBeforeRecovery = tokenRedirects.get();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> count(statuses, 302) > redirectsBeforeRecovery + 200
                        && tokenRedirects.get() > tokenRedirectsBeforeRecovery);
        running.set(false);
        for (Future<?> worker : load) {
            worker.get();
        }
        workers.shutdown();

        assertThat(statuses.keySet())
                .as("only redirects and 503s: %s", statuses)
                .containsOnly(302, 503);
        String ids = links.stream().map(l -> String.valueOf(l.linkId())).collect(Collectors.joining(", "));
        Map<String, Integer> decrements = SharedServers.postgres()
                .query(
                        DATABASE,
                        "SELECT link_id || ' ' || (" + LIMIT
                                + " - remaining) FROM redirector.redeemable_links WHERE link_id IN (" + ids + ")")
                .lines()
                .map(line -> line.split(" "))
                .collect(Collectors.toMap(parts -> parts[0], parts -> Integer.parseInt(parts[1])));
        for (PublishedLink link : links) {
            int redirected =
                    redirects.getOrDefault(link.key(), new AtomicInteger()).get();
            // a 503 whose commit still went through may leave a decrement without a redirect; never the reverse
            assertThat(decrements.get(String.valueOf(link.linkId())))
                    .as(link.key())
                    .isGreaterThanOrEqualTo(redirected);
        }
        int totalDecrements =
                decrements.values().stream().mapToInt(Integer::intValue).sum();
        int linkRedirects = count(statuses, 302) - tokenRedirects.get();
        assertThat(totalDecrements - linkRedirects).isLessThanOrEqualTo(count(statuses, 503));

        // and every recorded decrement reaches Kafka once the relay catches up. Once in effect: a relay whose delete
        // failed with the database after the broker's acknowledgement publishes that batch again, and consumers
        // drop the repeats by event id, so distinct event ids are what must match.
        List<String> linkIds =
                links.stream().map(l -> String.valueOf(l.linkId())).toList();
        assertThat(distinctEvents(linkIds, totalDecrements)).isEqualTo(totalDecrements);
        // every share token redirect too, and at most a 503's worth more
        assertThat(distinctEvents(List.of(String.valueOf(tokenId)), tokenRedirects.get()))
                .isBetween((long) tokenRedirects.get(), (long) tokenRedirects.get() + count(statuses, 503));

        // the projection recovers too: a link published now becomes redeemable, once its listeners' back-off from
        // the outage (up to sharelinks.kafka.retry-max-interval) has run out
        PublishedLink after = publishLinkWithin(
                Duration.ofSeconds(90),
                "media/restart/after",
                "after.bin",
                1,
                Instant.now().plusSeconds(3600));
        assertThat(client.send(
                                HttpRequest.newBuilder()
                                        .timeout(REQUEST_TIMEOUT)
                                        .uri(URI.create(
                                                "http://127.0.0.1:" + port + "/api/v2/shareable_links/" + after.key()))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(302);
    }

    /** How many distinct events the downloads topic holds of these keys, read until there are at least n. */
    private long distinctEvents(List<String> keys, long n) {
        return distinct(
                TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.DOWNLOADS,
                        seen -> distinct(seen, keys) >= n,
                        Duration.ofSeconds(60)),
                keys);
    }

    private long distinct(List<ConsumerRecord<String, byte[]>> records, List<String> keys) {
        return records.stream()
                .filter(r -> keys.contains(r.key()))
                .map(r -> serde.read(r.value()).eventId())
                .distinct()
                .count();
    }

    private static int count(Map<Integer, AtomicInteger> statuses, int status) {
        AtomicInteger count = statuses.get(status);
        return count == null ? 0 : count.get();
    }
}
