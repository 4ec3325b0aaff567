package dev.sharelinks.redirector.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.redirector.RedirectorIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Applied event ids are kept for the retention (seven days here too), then pruned, however many there are. */
class ProcessedEventsPruningIT extends RedirectorIntegrationTest {

    @Autowired
    ProcessedEventsPruning pruning;

    @Autowired
    ProcessedEventsProperties properties;

    @Test
    void idsPastTheRetentionArePrunedInBatchesAndRecentOnesKept() {
        // more old ids than one statement deletes, some just inside the retention, and some just applied
        int old = properties.pruneBatch() + 5;
        insert(old, "now() - interval '8 days'");
        insert(3, "now() - interval '6 days'");
        insert(2, "now()");

        assertThat(pruning.prune()).isGreaterThanOrEqualTo(old);

        assertThat(count("processed_at < now() - interval '7 days'")).isEqualTo("0");
        assertThat(Long.parseLong(count("processed_at > now() - interval '6 days 1 hour'")))
                .as("the ids within the retention stay")
                .isGreaterThanOrEqualTo(5);
        assertThat(pruning.prune()).as("nothing left to prune").isZero();
    }

    private static void insert(int rows, String processedAt) {
        SharedServers.postgres()
                .query(
                        DATABASE,
                        "INSERT INTO redirector.processed_events (event_id, processed_at) SELECT gen_random_uuid(), "
                                + processedAt + " FROM generate_series(1, " + rows + ")");
    }

    private static String count(String where) {
        return SharedServers.postgres()
                .query(DATABASE, "SELECT count(*) FROM redirector.processed_events WHERE " + where);
    }
}
