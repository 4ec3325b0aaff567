package dev.sharelinks.systemtests;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.TopicReader;
import dev.sharelinks.stack.LocalStack;
import dev.sharelinks.stack.StackSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The local stack as the deploy tests run it (free ports, the jars from target/services), and a client of it. */
final class TestStacks {

    /** A request that gets no answer fails the test instead of hanging the build. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private TestStacks() {}

    static LocalStack start(Path dir) {
        return LocalStack.start(
                StackSettings.onFreePorts(
                        dir, Path.of(System.getProperty("sharelinks.services.dir", "target/services"))),
                // not durable, as the services' own tests run theirs: these tests kill services, never the database
                PostgresServer.NOT_DURABLE);
    }

    /**
     * Every distinct {@code DownloadConsumed} of the link on the stack's downloads topic, once {@code expected} have
     * been published (or a minute has passed). The relay may publish an event again after a crash, as consumers
     * drop repeats by event id.
     */
    static List<DownloadConsumed> downloadsOf(LocalStack stack, long linkId, int expected) {
        EventSerde serde = new EventSerde();
        Map<UUID, DownloadConsumed> distinct = new HashMap<>();
        TopicReader.readUntil(
                stack.env().get("KAFKA_BOOTSTRAP"),
                Topics.DOWNLOADS,
                seen -> {
                    distinct.clear();
                    for (var record : seen) {
                        EventEnvelope<?> event = serde.read(record.value());
                        if (event.data() instanceof DownloadConsumed consumed && consumed.linkId() == linkId) {
                            distinct.put(event.eventId(), consumed);
                        }
                    }
                    return distinct.size() >= expected;
                },
                Duration.ofSeconds(60));
        return List.copyOf(distinct.values());
    }

    /** One round of a test's load: its index, from 0. */
    @FunctionalInterface
    interface Round {
        void run(int index) throws Exception;
    }

    /**
     * Rounds 0 to {@code rounds - 1}, from {@code clients} threads as that many clients would send them; the first
     * failure, once every client has stopped.
     */
    static void inParallel(int clients, int rounds, Round round) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            running.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < rounds; ) {
                    round.run(i);
                }
                return null;
            }));
        }
        pool.shutdown();
        if (!pool.awaitTermination(3, TimeUnit.MINUTES)) {
            pool.shutdownNow();
            throw new AssertionError("clients still busy after 3 minutes");
        }
        for (Future<?> client : running) {
            try {
                client.get();
            } catch (ExecutionException failed) {
                if (failed.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw (Error) failed.getCause();
            }
        }
    }

    /** HTTP/1.1, as the JDK client's h2c upgrade against Reactor Netty can hang. */
    record Client(HttpClient http, Map<String, String> env) {

        private static final JsonMapper JSON = JsonMapper.builder().build();

        Client(Map<String, String> env) {
            this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), env);
        }

        /** A POST to link-api with the demo account's key. */
        HttpResponse<String> postToLinkApi(String path, String body) throws Exception {
            return http.send(
                    HttpRequest.newBuilder()
                            .timeout(REQUEST_TIMEOUT)
                            .uri(URI.create(env.get("LINK_API_URL") + path))
                            .header("X-API-KEY", env.get("API_KEY"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** A GET from link-api with the demo account's key. */
        HttpResponse<String> getFromLinkApi(String path) throws Exception {
            return http.send(
                    HttpRequest.newBuilder()
                            .timeout(REQUEST_TIMEOUT)
                            .uri(URI.create(env.get("LINK_API_URL") + path))
                            .header("X-API-KEY", env.get("API_KEY"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String url, Duration timeout) throws Exception {
            return http.send(
                    HttpRequest.newBuilder()
                            .timeout(timeout)
                            .uri(URI.create(url))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** Creates a link to the demo asset with this download limit, expiring tomorrow: link-api's answer. */
        JsonNode createLink(int limit) throws Exception {
            HttpResponse<String> created = postToLinkApi("/api/v2/shareable_links", """
                    {"expiry_date": "%s", "limit": %d,
                     "payload": {"media_id": %s, "asset_id": "%s", "filename": "%s"}}""".formatted(
                            LocalDate.now(ZoneOffset.UTC).plusDays(1),
                            limit,
                            env.get("MEDIA_ID"),
                            env.get("ASSET_ID"),
                            env.get("ASSET_FILENAME")));
            if (created.statusCode() != 200) {
                throw new AssertionError("create answered " + created.statusCode() + ": " + created.body());
            }
            return JSON.readTree(created.body());
        }

        /** The link's remaining count as link-api shows its owner. */
        long remaining(long linkId) throws Exception {
            HttpResponse<String> info = getFromLinkApi("/api/v2/shareable_links/" + linkId + "/info");
            return JSON.readTree(info.body()).get("remaining").asLong();
        }

        int status(String url) throws Exception {
            return get(url, REQUEST_TIMEOUT).statusCode();
        }

        /** HEAD: whether the URL would redirect, without recording a download. */
        int probe(String url) throws Exception {
            return http.send(
                            HttpRequest.newBuilder()
                                    .timeout(REQUEST_TIMEOUT)
                                    .uri(URI.create(url))
                                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        }
    }
}
