package dev.sharelinks.redirector;

import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.ExportDefinition;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.LinkRevoked;
import dev.sharelinks.events.MediaFile;
import dev.sharelinks.events.ShareTokenCreated;
import dev.sharelinks.events.ShareTokenState;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.S3Server;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Boots the redirector against real PostgreSQL, Kafka and S3Proxy. Links arrive as LinkCreated events on the
 * topic, exactly as link-api publishes them.
 */
// tests that poll for a link before its event arrived are not guessers; MissLimitIT sets its own limit
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "sharelinks.redeem.miss-limit.misses=1000000")
@AutoConfigureWebTestClient
public abstract class RedirectorIntegrationTest {

    protected static final String DATABASE = "redirector_test";
    /** The receipts' and form nonces' keys: k2 signs, k1 (rotated out of signing) still verifies. */
    static final String SIGNING_KEY_2 = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";

    static final String SIGNING_KEY_1 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final String BUCKET = "redirector-bucket";
    /** The files test tokens grant: the original (export definition HD) and its low-definition rendition (BD). */
    protected static final MediaFile HD = new MediaFile(BUCKET, "media/2001/original.tif", "harbour.tif");

    protected static final MediaFile BD = new MediaFile(BUCKET, "media/2001/bd.jpg", "harbour.jpg");
    /** A request that gets no answer fails its test instead of hanging the build. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final HttpClient KEEP_ALIVE_CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final AtomicLong LINK_IDS = new AtomicLong(System.currentTimeMillis());

    protected final EventSerde serde = new EventSerde();

    @Autowired
    WebTestClient http;

    @DynamicPropertySource
    static void realServers(DynamicPropertyRegistry registry) {
        properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    /**
     * The settings of a redirector instance wired to the shared real servers. Netty's leak detection stays at its
     * default here, to find leaks, where the service turns it off for speed.
     */
    static Map<String, String> properties() {
        PostgresServer postgres = SharedServers.postgres();
        postgres.createDatabase(DATABASE);
        S3Server s3 = SharedServers.s3();
        return Map.ofEntries(
                Map.entry("VISITOR_SIGNING_KEYS", "k2:" + SIGNING_KEY_2 + ",k1:" + SIGNING_KEY_1),
                Map.entry("DB_PORT", String.valueOf(postgres.port())),
                Map.entry("DB_NAME", DATABASE),
                Map.entry("KAFKA_BOOTSTRAP", SharedServers.kafka().bootstrapServers()),
                Map.entry("S3_ENDPOINT", s3.endpoint().toString()),
                Map.entry("S3_PATH_STYLE", "true"),
                Map.entry("S3_ACCESS_KEY_ID", s3.accessKeyId()),
                Map.entry("S3_SECRET_ACCESS_KEY", s3.secretAccessKey()),
                Map.entry("NETTY_LEAK_DETECTION", "simple"),
                // a group member that did not leave cleanly (a consumer closed around a broker restart) holds the
                // group's next rebalance for the session timeout: 10 s here, as on the local stack, not Kafka's 45
                Map.entry("spring.kafka.consumer.properties[session.timeout.ms]", "10000"));
    }

    /** Publishes LinkCreated for a new link and waits until the redirector can redeem it. */
    protected PublishedLink publishLink(String objectKey, String filename, int limit, Instant expiresAt) {
        return publishLink(objectKey, filename, limit, expiresAt, null);
    }

    /** The same, for a link with a landing page (and its password's hash) when {@code landingPage} is given. */
    protected PublishedLink publishLink(
            String objectKey,
            String filename,
            int limit,
            Instant expiresAt,
            LinkCreated.@Nullable LandingPage landingPage) {
        return publishLink(objectKey, filename, limit, expiresAt, landingPage, null);
    }

    /** {@link #publishLink(String, String, int, Instant)}, waiting up to {@code within} (after an outage, say). */
    protected PublishedLink publishLinkWithin(
            Duration within, String objectKey, String filename, int limit, Instant expiresAt) {
        return publishLink(objectKey, filename, limit, expiresAt, null, null, within);
    }

    /** The same, for a link whose account writes in {@code locale}. */
    protected PublishedLink publishLink(
            String objectKey,
            String filename,
            int limit,
            Instant expiresAt,
            LinkCreated.@Nullable LandingPage landingPage,
            @Nullable String locale) {
        return publishLink(objectKey, filename, limit, expiresAt, landingPage, locale, Duration.ofSeconds(30));
    }

    private PublishedLink publishLink(
            String objectKey,
            String filename,
            int limit,
            Instant expiresAt,
            LinkCreated.@Nullable LandingPage landingPage,
            @Nullable String locale,
            Duration within) {
        long id = LINK_IDS.incrementAndGet();
        String key = "k" + id + "x".repeat(20);
        LinkCreated link = new LinkCreated(
                id,
                CapabilityDigests.hex(key),
                1,
                4,
                "asset",
                BUCKET,
                objectKey,
                filename,
                expiresAt,
                limit,
                landingPage,
                locale);
        publish(
                Topics.LINKS,
                String.valueOf(id),
                serde.serialize(serde.envelope(link, "link-api", String.valueOf(id), Instant.now())));
        await().atMost(within)
                .until(() -> "1"
                        .equals(SharedServers.postgres()
                                .query(
                                        DATABASE,
                                        "SELECT count(*) FROM redirector.redeemable_links WHERE link_id = " + id)));
        return new PublishedLink(key, link);
    }

    /** A link the test published: its key, which its event carries only as a digest, and the event. */
    protected record PublishedLink(String key, LinkCreated event) {

        public long linkId() {
            return event.linkId();
        }

        public int downloadLimit() {
            return event.downloadLimit();
        }
    }

    void revoke(PublishedLink link) {
        publish(
                Topics.LINKS,
                String.valueOf(link.linkId()),
                serde.serialize(serde.envelope(
                        new LinkRevoked(link.linkId(), CapabilityDigests.hex(link.key()), 1),
                        "link-api",
                        String.valueOf(link.linkId()),
                        Instant.now())));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "t"
                        .equals(SharedServers.postgres()
                                .query(
                                        DATABASE,
                                        "SELECT revoked FROM redirector.redeemable_links WHERE link_id = "
                                                + link.linkId())));
    }

    /** Publishes ShareTokenCreated for the token and waits until the redirector has it. */
    protected void created(long tokenId, TestToken token) {
        publishToken(tokenId, new ShareTokenCreated(tokenId, token.state(), 1), Instant.now());
        awaitProjected(tokenId);
    }

    protected void publishToken(long tokenId, Object event, Instant occurredAt) {
        publish(
                Topics.TOKENS,
                String.valueOf(tokenId),
                serde.serialize(serde.envelope(event, "token-api", String.valueOf(tokenId), occurredAt)));
    }

    protected void awaitProjected(long tokenId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> projected(tokenId).equals("1"));
    }

    private static String projected(long tokenId) {
        return SharedServers.postgres()
                .query(DATABASE, "SELECT count(*) FROM redirector.redeemable_tokens WHERE token_id = " + tokenId);
    }

    protected static long newTokenId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    /** A token with a new random value, granting {@link #HD} or {@link #BD} as its definition says. */
    protected static TestToken token(
            ExportDefinition definition,
            @Nullable String suffix,
            boolean manual,
            @Nullable Instant activation,
            @Nullable Instant deactivation) {
        return token(
                "v" + UUID.randomUUID().toString().replace("-", ""),
                definition,
                suffix,
                manual,
                activation,
                deactivation);
    }

    protected static TestToken token(
            String value,
            ExportDefinition definition,
            @Nullable String suffix,
            boolean manual,
            @Nullable Instant activation,
            @Nullable Instant deactivation) {
        return new TestToken(
                value,
                new ShareTokenState(
                        CapabilityDigests.hex(ShareTokenState.publicPath(value, suffix)),
                        suffix,
                        2001,
                        "Harbour",
                        definition,
                        manual,
                        activation,
                        deactivation,
                        1,
                        1,
                        HD,
                        BD));
    }

    /** A token the test publishes: its value, which its events do not carry, and its state as they do. */
    protected record TestToken(String tokenValue, ShareTokenState state) {}

    /**
     * The records on the downloads topic keyed by one of {@code keys} (link or token ids), in order, read until
     * there are at least {@code n}.
     */
    protected static List<ConsumerRecord<String, byte[]>> downloadRecords(Collection<String> keys, long n) {
        return TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.DOWNLOADS,
                        seen -> seen.stream()
                                        .filter(r -> keys.contains(r.key()))
                                        .count()
                                >= n,
                        Duration.ofSeconds(60))
                .stream()
                .filter(r -> keys.contains(r.key()))
                .toList();
    }

    /** Moves with every outbox row written, even one deleted since. */
    protected static long outboxRowsWritten() {
        return Long.parseLong(SharedServers.postgres()
                .query(
                        DATABASE,
                        "SELECT pg_sequence_last_value(pg_get_serial_sequence('redirector.outbox', 'seq')::regclass)"));
    }

    /**
     * A GET exactly as given (percent-escapes and all), on keep-alive connections reused from one test to the next,
     * as browsers and scanners send them.
     */
    protected static HttpResponse<String> getRaw(URI uri) throws Exception {
        return KEEP_ALIVE_CLIENT.send(
                HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The GETs of {@code uri} (a route's pattern) answered with {@code status} so far, as WebFlux would count them. */
    protected static double requests(MeterRegistry meters, String uri, String status) {
        Timer timer = meters.find("http.server.requests")
                .tag("method", "GET")
                .tag("uri", uri)
                .tag("status", status)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    /** Publishes one record and returns where the broker stored it. */
    static RecordMetadata publish(String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        SharedServers.kafka().bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
