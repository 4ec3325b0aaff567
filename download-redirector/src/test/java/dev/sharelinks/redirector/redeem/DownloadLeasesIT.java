package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.DownloadCountSettled;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import dev.sharelinks.redirector.RedirectorIntegrationTest;
import dev.sharelinks.redirector.redeem.RedeemableLinks.Grants;
import dev.sharelinks.redirector.redeem.RedeemableLinks.Redeem;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Download leases on their own, against the real database: what a lease takes from its link's row, that granting
 * from it does not wait for the row's lock, what its end gives back and reports, that a small limit is never
 * leased, and that a dead holder's lease comes back at its expiry while the row holds redeems meanwhile. Leases
 * live longer here than by default, so that none ends between two steps of a test.
 */
@TestPropertySource(
        properties = {
            "sharelinks.redeem.lease.lifetime=6s",
            "sharelinks.redeem.lease.idle=2s",
            "sharelinks.redeem.lease.held-wait=10s",
            "sharelinks.redeem.lease.sweep-interval=1s"
        })
// a context no other class shares: closed after the class, so its relay, pollers and consumers stop
@DirtiesContext
class DownloadLeasesIT extends RedirectorIntegrationTest {

    @Autowired
    DownloadLeases leases;

    @Autowired
    RedeemableLinks links;

    @Test
    void aHotLinkIsGrantedFromItsLeaseWhileItsRowIsLockedAndTheLeaseEndSettlesTheExactCount() throws Exception {
        PublishedLink link =
                publishLink("media/lease/hot", "hot.bin", 2000, Instant.now().plusSeconds(3600));

        // eight redeems of one key in a batch: hot, so a lease is taken in the background
        assertThat(leases.assign(batch(link, 8), new BitSet())).containsOnlyNulls();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !sql("SELECT count(*) FROM redirector.download_leases" + " WHERE link_id = "
                                + link.linkId())
                        .equals("0"));
        // the default first lease (256), well below a quarter of what the row had
        assertThat(sql("SELECT size || ',' || used FROM redirector.download_leases WHERE link_id = " + link.linkId()))
                .isEqualTo("256,0");
        assertThat(row(link)).isEqualTo("1744,256");

        List<Redeem> batch = batch(link, 3);
        Long[] assigned = leases.assign(batch, new BitSet());
        assertThat(assigned).doesNotContainNull().containsOnly(assigned[0]);
        Grants grants;
        try (Connection other = DriverManager.getConnection(
                "jdbc:postgresql://" + SharedServers.postgres().host() + ":"
                        + SharedServers.postgres().port() + "/" + DATABASE,
                PostgresServer.USER,
                "")) {
            other.setAutoCommit(false);
            // another transaction holds the link's row, as another replica's grant from the row would
            other.createStatement()
                    .execute("SELECT * FROM redirector.redeemable_links WHERE link_id = " + link.linkId()
                            + " FOR UPDATE");
            grants = links.grantAll(batch, assigned).block(Duration.ofSeconds(5));
            other.rollback();
        }
        leases.settled(assigned, grants.granted().keySet());
        assertThat(grants.granted()).containsOnlyKeys(0, 1, 2);
        assertThat(sql("SELECT used FROM redirector.download_leases WHERE link_id = " + link.linkId()))
                .isEqualTo("3");
        assertThat(row(link)).as("the row is not touched by a lease's grants").isEqualTo("1744,256");

        // ended once idle: the 253 it did not grant go back, and the link has its exact count again
        await().atMost(Duration.ofSeconds(10)).until(() -> row(link).equals("1997,0"));
        assertThat(sql("SELECT count(*) FROM redirector.download_leases WHERE link_id = " + link.linkId()))
                .isEqualTo("0");
        List<Object> events = events(link, 4);
        assertThat(events)
                .filteredOn(DownloadConsumed.class::isInstance)
                .extracting(event -> ((DownloadConsumed) event).remaining())
                .as("no other replica granted meanwhile, so the upper bounds are the counts")
                .containsExactlyInAnyOrder(1999, 1998, 1997);
        assertThat(events)
                .filteredOn(DownloadCountSettled.class::isInstance)
                .containsExactly(new DownloadCountSettled(link.linkId(), CapabilityDigests.hex(link.key()), 1997, 253));
    }

    @Test
    void aSmallLimitIsNeverLeased() throws Exception {
        PublishedLink link =
                publishLink("media/lease/small", "small.bin", 5, Instant.now().plusSeconds(3600));

        leases.assign(batch(link, 8), new BitSet());
        Thread.sleep(500);
        assertThat(leases.assign(batch(link, 8), new BitSet())).containsOnlyNulls();
        assertThat(sql("SELECT count(*) FROM redirector.download_leases WHERE link_id = " + link.linkId()))
                .isEqualTo("0");
        assertThat(links.grantAll(batch(link, 8), new Long[8])
                        .block(Duration.ofSeconds(5))
                        .granted())
                .hasSize(5);
    }

    @Test
    void aDeadHoldersLeaseComesBackAtItsExpiryAndTheRowHoldsRedeemsUntilThen() {
        PublishedLink link =
                publishLink("media/lease/dead", "dead.bin", 1000, Instant.now().plusSeconds(3600));
        // a replica that died holding every download but none granted: its lease expires in three seconds
        sql("WITH taken AS (UPDATE redirector.redeemable_links SET remaining = 0, leased = 1000 WHERE link_id = "
                + link.linkId()
                + " RETURNING link_id, key_digest) INSERT INTO redirector.download_leases (link_id, key_digest,"
                + " holder, size, used, expires_at) SELECT link_id, key_digest, 'dead-replica', 1000, 400,"
                + " now() + interval '3 seconds' FROM taken");

        Grants meanwhile = links.grantAll(batch(link, 2), new Long[2]).block(Duration.ofSeconds(5));
        assertThat(meanwhile.granted()).isEmpty();
        assertThat(meanwhile.held().cardinality())
                .as("refused by the row, held for the lease")
                .isEqualTo(2);

        await().atMost(Duration.ofSeconds(15)).until(() -> row(link).equals("600,0"));
        assertThat(events(link, 1))
                .containsExactly(new DownloadCountSettled(link.linkId(), CapabilityDigests.hex(link.key()), 600, 600));
        Grants after = links.grantAll(batch(link, 2), new Long[2]).block(Duration.ofSeconds(5));
        assertThat(after.granted()).hasSize(2);
        assertThat(after.held().isEmpty()).isTrue();
    }

    @Test
    void aBatchOfLeasesAloneGrantsWhatEachLeaseHoldsAndCountsEveryLeaseOfTheLink() {
        PublishedLink link =
                publishLink("media/lease/only", "only.bin", 1000, Instant.now().plusSeconds(3600));
        // this replica's lease, another replica's (10 of 50 used), and one of this replica's that is full
        sql("UPDATE redirector.redeemable_links SET remaining = 848, leased = 152 WHERE link_id = " + link.linkId());
        long mine = lease(link, "this-replica", 100, 0);
        lease(link, "other-replica", 50, 10);
        long full = lease(link, "this-replica", 2, 2);

        List<Redeem> batch = batch(link, 4);
        Grants grants =
                links.grantAll(batch, new Long[] {mine, full, mine, mine}).block(Duration.ofSeconds(5));

        assertThat(grants.granted()).containsOnlyKeys(0, 2, 3);
        assertThat(grants.held().isEmpty())
                .as("a lease that cannot grant sends its request to the row, not to wait")
                .isTrue();
        assertThat(sql("SELECT string_agg(used::text, ',' ORDER BY lease_id) FROM redirector.download_leases"
                        + " WHERE link_id = " + link.linkId()))
                .isEqualTo("3,10,2");
        assertThat(row(link)).as("the row is not touched by a lease's grants").isEqualTo("848,152");
        assertThat(events(link, 3))
                .extracting(event -> ((DownloadConsumed) event).remaining())
                .as("the row's 848 and every lease's unused 140, less each grant of the batch")
                .containsExactly(987, 986, 985);
    }

    /** A lease of {@code size} downloads, {@code used} of them granted, written as its holder would have. */
    private static long lease(PublishedLink link, String holder, int size, int used) {
        return Long.parseLong(sql("INSERT INTO redirector.download_leases (link_id, key_digest, holder, size, used,"
                + " expires_at) SELECT link_id, key_digest, '" + holder + "', " + size + ", " + used
                + ", now() + interval '1 hour' FROM redirector.redeemable_links WHERE link_id = " + link.linkId()
                + " RETURNING lease_id"));
    }

    private static List<Redeem> batch(PublishedLink link, int redeems) {
        return IntStream.range(0, redeems)
                .mapToObj(i -> new Redeem(link.key(), "10.0.0." + i, "test", null))
                .toList();
    }

    /** The link's row: remaining and leased. */
    private static String row(PublishedLink link) {
        return sql(
                "SELECT remaining || ',' || leased FROM redirector.redeemable_links WHERE link_id = " + link.linkId());
    }

    private static String sql(String statement) {
        return SharedServers.postgres().query(DATABASE, statement);
    }

    /** The data of the link's first {@code expected} events on the downloads topic. */
    private List<Object> events(PublishedLink link, int expected) {
        String key = String.valueOf(link.linkId());
        List<Object> events = TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.DOWNLOADS,
                        seen -> seen.stream().filter(r -> key.equals(r.key())).count() >= expected,
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> key.equals(r.key()))
                .map(r -> (Object) serde.read(r.value()).data())
                .toList();
        return events.isEmpty() ? Collections.emptyList() : events;
    }
}
