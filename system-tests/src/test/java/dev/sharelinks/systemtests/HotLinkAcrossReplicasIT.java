package dev.sharelinks.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.DownloadCountSettled;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.TopicReader;
import dev.sharelinks.stack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * One hot link served by three redirector replicas sharing the database, as a viral link behind a load balancer
 * is: the replicas take download leases of it (docs/architecture.md, "A hot link across replicas") and the limit
 * stays exact. Also a replica killed while it holds a lease (its downloads come back at the lease's expiry and the
 * others grant them, never beyond the limit), a small limit (never leased), and a projection rebuilt from history
 * that ends with the live counts.
 */
@OnTheSharedStack
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotLinkAcrossReplicasIT {

    private static final Pattern LEASES_TAKEN =
            Pattern.compile("sharelinks_redeem_leases_taken_total(?:\\{[^}]*})? " + "([0-9.E]+)");
    /**
     * The second and third replica take a lease at two redeems of a key in a batch, and their leases expire three
     * seconds after they are taken, so that the kill test's lease comes back quickly; the first keeps the defaults.
     */
    private static final Map<String, String> QUICK_LEASES = Map.of(
            "REDEEM_LEASE_HOT_REQUESTS",
            "2",
            "REDEEM_LEASE_LIFETIME",
            "1s",
            "REDEEM_LEASE_EXPIRY_GRACE",
            "2s",
            "REDEEM_LEASE_SWEEP_INTERVAL",
            "1s");

    private static final String SECOND = "download-redirector-2";
    private static final String THIRD = "download-redirector-3";
    private static final String REBUILT = "download-redirector-rebuilt";

    private static LocalStack stack;
    private static TestStacks.Client client;
    private static PostgresServer postgres;
    /** The three replicas' base URLs; the first is the one link-api names in links. */
    private static final List<String> replicas = new ArrayList<>();

    private static final List<Long> linkIds = new ArrayList<>();

    private final EventSerde serde = new EventSerde();

    @BeforeAll
    static void addTwoRedirectors(LocalStack shared) {
        stack = shared;
        client = new TestStacks.Client(stack.env());
        postgres = Objects.requireNonNull(stack.postgres());
        replicas.add(stack.env().get("REDIRECT_URL"));
        // side by side: each start is a JVM's worth of CPU, and the shared stack leaves a core for the other
        CompletableFuture<String> third = CompletableFuture.supplyAsync(
                () -> stack.startAnother("download-redirector", THIRD, FreePorts.next(), QUICK_LEASES));
        replicas.add(stack.startAnother("download-redirector", SECOND, FreePorts.next(), QUICK_LEASES));
        replicas.add(third.join());
    }

    /** The shared stack goes on with its one redirector: the added replicas stop (the killed one is gone already). */
    @AfterAll
    static void stopTheAddedRedirectors() {
        for (String added : List.of(SECOND, THIRD, REBUILT)) {
            if (stack != null && stack.runs(added)) {
                stack.stopAnother(added);
            }
        }
    }

    @Test
    @Order(1)
    void tenThousandRedeemsOfALimitOf5000OnThreeReplicasGiveExactly5000() throws Exception {
        Link link = createLink(5000);
        double leasesBefore = leasesTaken();

        Map<Integer, Integer> statuses = redeem(link, 10_000, 48, List.of(0, 1, 2));

        assertThat(statuses).isEqualTo(Map.of(302, 5000, 404, 5000));
        assertThat(leasesTaken() - leasesBefore)
                .as("download leases taken by the replicas")
                .isPositive();
        assertThat(TestStacks.downloadsOf(stack, link.id(), 5000)).hasSize(5000);
        // every lease ends, and the count settles where the grants leave it
        await().atMost(Duration.ofSeconds(30)).until(() -> row(link).equals("0|0|0"));
        assertThat(countReportedReachesZero(link.id()))
                .as("the least count reported is 0")
                .isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.remaining(link.id()) == 0);
    }

    @Test
    @Order(2)
    void aLimitOf3OnThreeReplicasGivesExactly3() throws Exception {
        Link link = createLink(3);

        Map<Integer, Integer> statuses = redeem(link, 60, 30, List.of(0, 1, 2));

        assertThat(statuses).isEqualTo(Map.of(302, 3, 404, 57));
        assertThat(TestStacks.downloadsOf(stack, link.id(), 3))
                .extracting(DownloadConsumed::remaining)
                .as("never leased, so each grant reports its exact count")
                .containsExactlyInAnyOrder(2, 1, 0);
        assertThat(postgres.query(
                        "sharelinks", "SELECT count(*) FROM redirector.download_leases WHERE link_id = " + link.id()))
                .isEqualTo("0");
    }

    @Test
    @Order(3)
    void aReplicaKilledHoldingALeaseLosesNoDownloadAndTheOthersGrantThemAfterItsExpiry() throws Exception {
        int limit = 4000;
        Link link = createLink(limit);
        String holder = stack.pid(SECOND) + "@%";
        AtomicInteger redirects = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService load = Executors.newFixedThreadPool(16);
        for (int i = 0; i < 16; i++) {
            load.submit(() -> {
                while (!stop.get()) {
                    try {
                        if (client.get(link.urlOn(replicas.get(1)), Duration.ofSeconds(10))
                                        .statusCode()
                                == 302) {
                            redirects.incrementAndGet();
                        }
                    } catch (Exception killed) {
                        return;
                    }
                }
            });
        }
        await().pollInterval(Duration.ofMillis(5))
                .atMost(Duration.ofSeconds(60))
                .until(() -> !postgres.query(
                                "sharelinks",
                                "SELECT count(*) FROM redirector.download_leases WHERE link_id = " + link.id()
                                        + " AND holder LIKE '" + holder + "' AND used < size")
                        .equals("0"));
        stack.kill(SECOND);
        stop.set(true);
        load.shutdown();
        assertThat(load.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        int unusedAtKill = Integer.parseInt(postgres.query(
                "sharelinks",
                "SELECT coalesce(sum(size - used), 0)"
                        + " FROM redirector.download_leases WHERE link_id = " + link.id() + " AND holder LIKE '"
                        + holder
                        + "'"));
        assertThat(unusedAtKill)
                .as("downloads the killed replica held and had not granted")
                .isPositive();

        // the others go on until the link is used up and no lease is left: the dead lease's downloads come back at
        // its expiry, and they grant them
        AtomicInteger after = new AtomicInteger();
        await().pollInterval(Duration.ofMillis(1))
                .atMost(Duration.ofSeconds(90))
                .until(() -> {
                    after.addAndGet(redeem(link, 500, 16, List.of(0, 2)).getOrDefault(302, 0));
                    return row(link).equals("0|0|0");
                });
        Map<Integer, Integer> last = redeem(link, 10, 5, List.of(0, 2));

        assertThat(TestStacks.downloadsOf(stack, link.id(), limit))
                .as("every download granted once, none beyond the limit")
                .hasSize(limit);
        assertThat(last).isEqualTo(Map.of(404, 10));
        int answered = redirects.get() + after.get();
        // a grant whose 302 died with the killed replica is recorded without having been answered
        assertThat(answered).isLessThanOrEqualTo(limit).isGreaterThanOrEqualTo(limit - 16);
        assertThat(countReportedReachesZero(link.id()))
                .as("the least count reported is 0")
                .isTrue();
        System.out.printf(
                "killed holding %d unused downloads; %d redirects before the kill, %d after%n",
                unusedAtKill, redirects.get(), after.get());
    }

    @Test
    @Order(4)
    void aProjectionRebuiltFromHistoryEndsWithTheLiveCounts() {
        String ids = String.join(",", linkIds.stream().map(String::valueOf).toList());
        String counts = "SELECT string_agg(link_id || ':' || (remaining + leased), ',' ORDER BY link_id)"
                + " FROM redirector.redeemable_links WHERE link_id IN (" + ids + ")";
        String live = postgres.query("sharelinks", counts);
        postgres.createDatabase("rebuilt_hot");
        stack.startAnother(
                "download-redirector",
                REBUILT,
                FreePorts.next(),
                Map.of("DB_NAME", "rebuilt_hot", "PROJECTION_CONSUMER_GROUP", "download-redirector-rebuilt"));

        await().atMost(Duration.ofSeconds(60)).until(() -> live.equals(postgres.query("rebuilt_hot", counts)));
        assertThat(live)
                .isEqualTo(
                        String.join(",", linkIds.stream().map(id -> id + ":0").toList()));
    }

    /**
     * {@code requests} GETs of the link from {@code clients} threads, the i-th to replica {@code on[i % n]}: the
     * count of each status answered.
     */
    private Map<Integer, Integer> redeem(Link link, int requests, int clients, List<Integer> on) throws Exception {
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        TestStacks.inParallel(clients, requests, i -> {
            String url = link.urlOn(replicas.get(on.get(i % on.size())));
            statuses.merge(client.get(url, Duration.ofSeconds(30)).statusCode(), 1, Integer::sum);
        });
        return new HashMap<>(statuses);
    }

    private Link createLink(int limit) throws Exception {
        JsonNode link = client.createLink(limit);
        String url = link.get("url").asString();
        Link made = new Link(link.get("id").asLong(), url.substring(url.lastIndexOf('/') + 1));
        linkIds.add(made.id());
        await().atMost(Duration.ofSeconds(30)).until(() -> client.probe(made.urlOn(replicas.get(0))) == 200);
        return made;
    }

    /** The link's row in the live projection: remaining, leased, and its open leases. */
    private static String row(Link link) {
        return postgres.query(
                "sharelinks",
                "SELECT remaining || '|' || leased || '|' || (SELECT count(*) FROM"
                        + " redirector.download_leases d WHERE d.link_id = l.link_id) FROM redirector.redeemable_links l"
                        + " WHERE link_id = " + link.id());
    }

    /** Leases taken so far by the replicas still running. */
    private static double leasesTaken() throws Exception {
        double taken = 0;
        for (String replica : replicas) {
            String metrics = client.get(stack.managementUrl(replica) + "/actuator/prometheus", Duration.ofSeconds(30))
                    .body();
            Matcher value = LEASES_TAKEN.matcher(metrics);
            taken += value.find() ? Double.parseDouble(value.group(1)) : 0;
        }
        return taken;
    }

    /**
     * Whether the link's count, as its consumers take it (the least any of its downloads or settlements reports),
     * reaches 0: the last grant from its row reports it, or the settlement when its last lease ends.
     */
    private boolean countReportedReachesZero(long linkId) {
        return TopicReader.readUntil(
                        stack.env().get("KAFKA_BOOTSTRAP"),
                        Topics.DOWNLOADS,
                        seen -> seen.stream().anyMatch(record -> reportsZero(record.value(), linkId)),
                        Duration.ofSeconds(30))
                .stream()
                .anyMatch(record -> reportsZero(record.value(), linkId));
    }

    private boolean reportsZero(byte[] record, long linkId) {
        Object data = serde.read(record).data();
        return data instanceof DownloadConsumed consumed && consumed.linkId() == linkId && consumed.remaining() == 0
                || data instanceof DownloadCountSettled settled
                        && settled.linkId() == linkId
                        && settled.remaining() == 0;
    }

    /** A link made for a test: its id, and its key, to address it on any replica. */
    private record Link(long id, String key) {

        String urlOn(String replica) {
            return replica + "/api/v2/shareable_links/" + key;
        }
    }
}
