package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.ExportDefinition;
import dev.sharelinks.events.ShareTokenDownloaded;
import dev.sharelinks.events.ShareTokenState;
import dev.sharelinks.redirector.RedirectorIntegrationTest;
import dev.sharelinks.redirector.redeem.RedeemableLinks.GrantedDownload;
import dev.sharelinks.redirector.redeem.ShareTokenGrants.Grant;
import dev.sharelinks.redirector.redeem.ShareTokenGrants.ShareTokenGet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The share tokens' batch grant statement on its own, with a batch whose outcome is known in advance. */
class ShareTokenGrantStatementIT extends RedirectorIntegrationTest {

    /** The public paths of the tokens this test published, by id. */
    private final Map<Long, String> publicPaths = new HashMap<>();

    @Autowired
    ShareTokenGrants tokens;

    @Test
    void aBatchAnswersEachGetByItsTokenAndRecordsEveryFileGrantedInOneOutboxRow() {
        long original = publish(token(ExportDefinition.HD, null, false, null, null));
        long rendition = publish(token(ExportDefinition.BD, "/harbour.jpg", false, null, null));
        long noDownload = publish(token(ExportDefinition.NOT_GRANTED, null, false, null, null));
        long ended = publish(
                token(ExportDefinition.HD, null, true, null, Instant.now().minusSeconds(60)));
        List<ShareTokenGet> batch = List.of(
                get(original, "c0"),
                new ShareTokenGet("no-such-path", "c1", "test"),
                get(noDownload, "c2"),
                get(original, "c3"),
                get(ended, "c4"),
                get(rendition, "c5"));

        long outboxRowsBefore = outboxRowsWritten();
        Map<Integer, Grant> answers = tokens.grantAll(batch).block(Duration.ofSeconds(30));

        // a miss and an ended token have no answer; a token that grants no download answers without a file
        assertThat(answers).containsOnlyKeys(0, 2, 3, 5);
        GrantedDownload originalFile = new GrantedDownload(HD.bucket(), HD.objectKey(), HD.filename());
        assertThat(answers.get(0).download()).isEqualTo(originalFile);
        assertThat(answers.get(3).download()).isEqualTo(originalFile);
        assertThat(answers.get(5).download())
                .isEqualTo(new GrantedDownload(BD.bucket(), BD.objectKey(), BD.filename()));
        assertThat(answers.get(2).download()).isNull();
        // the three files granted, each an event of its own, all from one outbox row
        assertThat(outboxRowsWritten() - outboxRowsBefore).isEqualTo(1);
        List<EventEnvelope<ShareTokenDownloaded>> recorded =
                downloadsOf(Set.of(original, rendition, noDownload, ended), 3);
        assertThat(recorded.stream().map(EventEnvelope::eventId)).doesNotHaveDuplicates();
        assertThat(recorded.stream()
                        .map(EventEnvelope::data)
                        .collect(Collectors.groupingBy(
                                ShareTokenDownloaded::tokenId,
                                Collectors.mapping(ShareTokenDownloaded::clientAddress, Collectors.toList()))))
                .isEqualTo(Map.of(original, List.of("c0", "c3"), rendition, List.of("c5")));
    }

    @Test
    void aBatchThatGrantsNoFileWritesNoOutboxRow() {
        long noDownload = publish(token(ExportDefinition.NOT_GRANTED, null, false, null, null));

        long outboxRowsBefore = outboxRowsWritten();
        Map<Integer, Grant> answers = tokens.grantAll(
                        List.of(get(noDownload, "c0"), new ShareTokenGet("no-such-path", "c1", null)))
                .block(Duration.ofSeconds(30));

        assertThat(answers).containsOnlyKeys(0);
        assertThat(answers.get(0).download()).isNull();
        assertThat(outboxRowsWritten()).isEqualTo(outboxRowsBefore);
    }

    /** Publishes the token under a new id, which it returns once the redirector has the token. */
    private long publish(TestToken token) {
        long tokenId = newTokenId();
        created(tokenId, token);
        publicPaths.put(
                tokenId,
                ShareTokenState.publicPath(token.tokenValue(), token.state().suffix()));
        return tokenId;
    }

    private ShareTokenGet get(long tokenId, String client) {
        return new ShareTokenGet(publicPaths.get(tokenId), client, "test");
    }

    /**
     * The ShareTokenDownloaded events of these tokens on the downloads topic, in order, once there are n. The
     * events of one outbox row are published together, so any event of these tokens recorded with them is read.
     */
    private List<EventEnvelope<ShareTokenDownloaded>> downloadsOf(Set<Long> tokenIds, int n) {
        return downloadRecords(tokenIds.stream().map(String::valueOf).toList(), n).stream()
                .map(r -> serde.read(r.value(), ShareTokenDownloaded.class))
                .toList();
    }
}
