package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import dev.sharelinks.redirector.RedirectorIntegrationTest;
import dev.sharelinks.redirector.redeem.Redemptions.GrantedDownload;
import dev.sharelinks.redirector.redeem.Redemptions.Redeem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Flux;

/** The batch grant statement on its own, with a batch whose outcome is known in advance. */
class GrantStatementTest extends RedirectorIntegrationTest {

    @Autowired
    Redemptions redemptions;

    @Autowired
    GrantConnection grantConnection;

    @Test
    void whenABatchAsksForMoreThanALinkHasThenTheFirstRequestsInBatchOrderGetWhatIsLeft() {
        Instant tomorrow = Instant.now().plusSeconds(86_400);
        LinkCreated a = publishLink("media/batch/a", "a.bin", 3, tomorrow);
        LinkCreated b = publishLink("media/batch/b", "b.bin", 1, tomorrow);
        List<Redeem> batch = List.of(redeem(a, "c0"), redeem(a, "c1"), redeem(b, "c2"),
                new Redeem("no-such-key", "c3", null), redeem(a, "c4"), redeem(a, "c5"), redeem(b, "c6"));

        Map<Integer, GrantedDownload> granted = redemptions.grantAll(batch).block(Duration.ofSeconds(30));

        assertThat(granted).containsOnlyKeys(0, 1, 2, 4);
        assertThat(granted.get(0)).isEqualTo(new GrantedDownload("redirector-bucket", "media/batch/a", "a.bin"));
        assertThat(granted.get(2)).isEqualTo(new GrantedDownload("redirector-bucket", "media/batch/b", "b.bin"));
        assertThat(SharedServers.postgres().query(DATABASE, "SELECT string_agg(remaining::text, ',' ORDER BY link_id)"
                + " FROM redirector.redeemable_links WHERE link_id IN (" + a.linkId() + ", " + b.linkId() + ")"))
                .isEqualTo("0,0");
        // each grant is recorded with its own request's client and the count left after it
        assertThat(grantsOf(a, 3)).isEqualTo(Map.of(2, "c0", 1, "c1", 0, "c4"));
        assertThat(grantsOf(b, 1)).isEqualTo(Map.of(0, "c2"));
        // and a used-up link grants nothing more
        assertThat(redemptions.grantAll(List.of(redeem(a, "c7"))).block(Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void grantStatementsKeepTheirConnectionAndOneClosedUnderThemIsReplacedWithoutAFailedGrant() throws Exception {
        LinkCreated link = publishLink("media/batch/kept", "kept.bin", 10, Instant.now().plusSeconds(86_400));
        int kept = keptBackend();
        for (int i = 0; i < 3; i++) {
            assertThat(redemptions.grantAll(List.of(redeem(link, "k" + i))).block(Duration.ofSeconds(30))).hasSize(1);
        }
        assertThat(keptBackend()).as("the grant statements' backend").isEqualTo(kept);

        // the server closes the kept connection while it is idle, as a restart or a failover would
        SharedServers.postgres().query(DATABASE, "SELECT pg_terminate_backend(" + kept + ")");
        await().atMost(Duration.ofSeconds(10)).until(() -> SharedServers.postgres()
                .query(DATABASE, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + kept).equals("0"));
        // the driver learns of the close when its event loop reads the end of the stream, a moment later
        Thread.sleep(200);

        assertThat(redemptions.grantAll(List.of(redeem(link, "after"))).block(Duration.ofSeconds(30)))
                .as("the first grant after the close").hasSize(1);
        assertThat(keptBackend()).isNotEqualTo(kept);
        assertThat(SharedServers.postgres().query(DATABASE,
                "SELECT remaining FROM redirector.redeemable_links WHERE link_id = " + link.linkId())).isEqualTo("6");
    }

    /** The server process behind the kept grant connection. */
    private int keptBackend() {
        return grantConnection.run(connection -> Flux.from(connection.createStatement("SELECT pg_backend_pid()")
                        .execute()).flatMap(result -> result.map((row, metadata) -> row.get(0, Integer.class))))
                .single().block(Duration.ofSeconds(30));
    }

    private static Redeem redeem(LinkCreated link, String client) {
        return new Redeem(link.key(), client, "test");
    }

    /** The link's DownloadConsumed events: client address by remaining count. */
    private Map<Integer, String> grantsOf(LinkCreated link, int expected) {
        String key = String.valueOf(link.linkId());
        return TopicReader.readUntil(SharedServers.kafka().bootstrapServers(), Topics.DOWNLOADS,
                        seen -> seen.stream().filter(r -> key.equals(r.key())).count() >= expected,
                        Duration.ofSeconds(30))
                .stream().filter(r -> key.equals(r.key()))
                .map(r -> (DownloadConsumed) serde.read(r.value()).data())
                .collect(Collectors.toMap(DownloadConsumed::remaining, DownloadConsumed::clientAddress));
    }
}
