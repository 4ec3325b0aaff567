package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.EventType;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.redirector.RedirectorIntegrationTest;
import dev.sharelinks.redirector.redeem.RedeemableLinks.GrantedDownload;
import dev.sharelinks.redirector.redeem.RedeemableLinks.Redeem;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import reactor.core.publisher.Mono;

/** The batch grant statement on its own, with a batch whose outcome is known in advance. */
class GrantStatementIT extends RedirectorIntegrationTest {

    @Autowired
    RedeemableLinks links;

    @Autowired
    @Qualifier(GrantConnections.LINKS)
    GrantConnection grantConnection;

    @Test
    void whenABatchAsksForMoreThanALinkHasThenTheFirstRequestsInBatchOrderGetWhatIsLeft() {
        Instant tomorrow = Instant.now().plusSeconds(86_400);
        PublishedLink a = publishLink("media/batch/a", "a.bin", 3, tomorrow);
        PublishedLink b = publishLink("media/batch/b", "b.bin", 1, tomorrow);
        List<Redeem> batch = List.of(
                redeem(a, "c0"),
                redeem(a, "c1"),
                redeem(b, "c2"),
                new Redeem("no-such-key", "c3", null, null),
                redeem(a, "c4"),
                redeem(a, "c5"),
                redeem(b, "c6"));

        long outboxRowsBefore = outboxRowsWritten();
        Map<Integer, GrantedDownload> granted = fromRows(batch).block(Duration.ofSeconds(30));

        assertThat(granted).containsOnlyKeys(0, 1, 2, 4);
        assertThat(granted.get(0)).isEqualTo(new GrantedDownload("redirector-bucket", "media/batch/a", "a.bin"));
        assertThat(granted.get(2)).isEqualTo(new GrantedDownload("redirector-bucket", "media/batch/b", "b.bin"));
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT string_agg(remaining::text, ',' ORDER BY link_id)"
                                        + " FROM redirector.redeemable_links WHERE link_id IN (" + a.linkId() + ", "
                                        + b.linkId() + ")"))
                .isEqualTo("0,0");
        // each grant is recorded with its own request's client and the count left after it
        assertThat(grantsOf(a, 3)).isEqualTo(Map.of(2, "c0", 1, "c1", 0, "c4"));
        assertThat(grantsOf(b, 1)).isEqualTo(Map.of(0, "c2"));
        // all four from one outbox row, each an event of its own
        assertThat(outboxRowsWritten() - outboxRowsBefore).isEqualTo(1);
        assertThat(eventIdsByKey(List.of(String.valueOf(a.linkId()), String.valueOf(b.linkId())), 4).values().stream()
                        .flatMap(List::stream)
                        .toList())
                .hasSize(4)
                .doesNotHaveDuplicates();
        // and a used-up link grants nothing more
        assertThat(fromRows(List.of(redeem(a, "c7"))).block(Duration.ofSeconds(30)))
                .isEmpty();
    }

    @Test
    void grantStatementsKeepTheirConnectionAndOneClosedUnderThemIsReplacedWithoutAFailedGrant() throws Exception {
        PublishedLink link =
                publishLink("media/batch/kept", "kept.bin", 10, Instant.now().plusSeconds(86_400));
        int kept = keptBackend();
        for (int i = 0; i < 3; i++) {
            assertThat(fromRows(List.of(redeem(link, "k" + i))).block(Duration.ofSeconds(30)))
                    .hasSize(1);
        }
        assertThat(keptBackend()).as("the grant statements' backend").isEqualTo(kept);

        // the server closes the kept connection while it is idle, as a restart or a failover would
        SharedServers.postgres().query(DATABASE, "SELECT pg_terminate_backend(" + kept + ")");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> SharedServers.postgres()
                        .query(DATABASE, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + kept)
                        .equals("0"));
        // the server's last message, that it closed the connection, reaches the kept connection a moment later
        Thread.sleep(200);

        assertThat(fromRows(List.of(redeem(link, "after"))).block(Duration.ofSeconds(30)))
                .as("the first grant after the close")
                .hasSize(1);
        assertThat(keptBackend()).isNotEqualTo(kept);
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT remaining FROM redirector.redeemable_links WHERE link_id = " + link.linkId()))
                .isEqualTo("6");
    }

    @Test
    void aStatementGivenUpOnIsCancelledOnTheServerAndGrantsNothing() throws Exception {
        PublishedLink link = publishLink(
                "media/batch/given-up", "given-up.bin", 10, Instant.now().plusSeconds(86_400));
        assertThat(fromRows(List.of(redeem(link, "before"))).block(Duration.ofSeconds(30)))
                .hasSize(1);
        int kept = keptBackend();
        long outboxRowsBefore = outboxRowsWritten();
        try (Connection other =
                DriverManager.getConnection(SharedServers.postgres().jdbcUrl(DATABASE), PostgresServer.USER, "")) {
            other.setAutoCommit(false);
            // another transaction holds the link's row: the statement waits for it, as on a database that hangs
            try (Statement lock = other.createStatement()) {
                lock.execute(
                        "SELECT * FROM redirector.redeemable_links WHERE link_id = " + link.linkId() + " FOR UPDATE");
            }
            // as GrantQueue gives up on a statement after its timeout
            assertThatThrownBy(() -> fromRows(List.of(redeem(link, "given-up")))
                            .timeout(Duration.ofMillis(500))
                            .block(Duration.ofSeconds(30)))
                    .hasCauseInstanceOf(TimeoutException.class);
            await().atMost(Duration.ofSeconds(10))
                    .alias("the statement's backend, cancelled and disconnected")
                    .until(() -> SharedServers.postgres()
                            .query(DATABASE, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + kept)
                            .equals("0"));
            other.rollback();
        }

        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT remaining FROM redirector.redeemable_links WHERE link_id = " + link.linkId()))
                .as("nothing granted by the statement given up on")
                .isEqualTo("9");
        assertThat(outboxRowsWritten()).isEqualTo(outboxRowsBefore);
        assertThat(fromRows(List.of(redeem(link, "after"))).block(Duration.ofSeconds(30)))
                .as("the next statement, on a new connection")
                .hasSize(1);
        assertThat(keptBackend()).isNotEqualTo(kept);
    }

    @Test
    void whenARowOfSeveralEventsIsPublishedAgainThenItsEventsKeepTheirIds() {
        List<String> keys = List.of("9100000001", "9100000002");
        String row = """
                INSERT INTO redirector.outbox (event_id, topic, event_keys, event_type, data)
                VALUES ('6f1c2b3a-0000-4000-8000-000000000001', '%s', ARRAY['9100000001', '9100000002'], '%s',
                        '[{"linkId": 9100000001, "keyDigest": "d1", "remaining": 0, "clientAddress": null, "userAgent": null},
                          {"linkId": 9100000002, "keyDigest": "d2", "remaining": 0, "clientAddress": null, "userAgent": null}]')
                """.formatted(Topics.DOWNLOADS, EventType.DOWNLOAD_CONSUMED.typeName());
        SharedServers.postgres().query(DATABASE, row);
        Map<String, List<UUID>> first = eventIdsByKey(keys, 2);
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        "0".equals(SharedServers.postgres().query(DATABASE, "SELECT count(*) FROM redirector.outbox")));

        // as after an acknowledgement lost on the way: the same row once more
        SharedServers.postgres().query(DATABASE, row);
        Map<String, List<UUID>> all = eventIdsByKey(keys, 4);

        assertThat(first).containsOnlyKeys(keys);
        UUID one = first.get(keys.get(0)).get(0);
        UUID two = first.get(keys.get(1)).get(0);
        assertThat(one).isNotEqualTo(two);
        assertThat(all).isEqualTo(Map.of(keys.get(0), List.of(one, one), keys.get(1), List.of(two, two)));
    }

    @Test
    void aRowOfSeveralEventsWithoutAKeyForEachIsRefused() {
        assertThatThrownBy(() -> SharedServers.postgres()
                        .query(DATABASE, """
                INSERT INTO redirector.outbox (topic, event_keys, event_type, data)
                VALUES ('%s', ARRAY['9100000003'], '%s', '[{"linkId": 9100000003}, {"linkId": 9100000004}]')
                """.formatted(Topics.DOWNLOADS, EventType.DOWNLOAD_CONSUMED.typeName())))
                .hasMessageContaining("outbox_event_keys");
        assertThatThrownBy(() -> SharedServers.postgres()
                        .query(DATABASE, """
                INSERT INTO redirector.outbox (topic, event_key, event_keys, event_type, data)
                VALUES ('%s', '9100000003', ARRAY['9100000003'], '%s', '[{"linkId": 9100000003}]')
                """.formatted(Topics.DOWNLOADS, EventType.DOWNLOAD_CONSUMED.typeName())))
                .hasMessageContaining("outbox_event_keys");
    }

    /** The ids of the events on the downloads topic with one of these keys, by key in order, once there are n. */
    private Map<String, List<UUID>> eventIdsByKey(List<String> keys, int n) {
        return downloadRecords(keys, n).stream()
                .collect(Collectors.groupingBy(
                        r -> r.key(),
                        Collectors.mapping(r -> serde.read(r.value()).eventId(), Collectors.toList())));
    }

    /** The server process behind the kept grant connection. */
    private int keptBackend() {
        return grantConnection
                .run(connection -> {
                    try (Statement statement = connection.createStatement();
                            ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
                        row.next();
                        return row.getInt(1);
                    }
                })
                .block(Duration.ofSeconds(30));
    }

    private static Redeem redeem(PublishedLink link, String client) {
        return new Redeem(link.key(), client, "test", null);
    }

    /** The link's DownloadConsumed events: client address by remaining count. */
    private Map<Integer, String> grantsOf(PublishedLink link, int expected) {
        return downloadRecords(List.of(String.valueOf(link.linkId())), expected).stream()
                .map(r -> (DownloadConsumed) serde.read(r.value()).data())
                .collect(Collectors.toMap(DownloadConsumed::remaining, DownloadConsumed::clientAddress));
    }

    /** The batch granted from its links' rows (no download leases), as the granted downloads by index. */
    private Mono<Map<Integer, GrantedDownload>> fromRows(List<Redeem> batch) {
        return links.grantAll(batch, new Long[batch.size()]).map(RedeemableLinks.Grants::granted);
    }
}
