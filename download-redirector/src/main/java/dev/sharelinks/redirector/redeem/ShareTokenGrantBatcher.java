package dev.sharelinks.redirector.redeem;

import dev.sharelinks.messaging.outbox.OutboxRelay;
import dev.sharelinks.redirector.redeem.GrantQueue.Waiting;
import dev.sharelinks.redirector.redeem.ShareTokenGrants.Grant;
import dev.sharelinks.redirector.redeem.ShareTokenGrants.ShareTokenGet;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Grants share tokens' downloads in batches ({@link GrantQueue}): one statement answers every GET of the batch and
 * records each file it grants, so a viral token's URL costs a commit per batch, not one per download.
 */
@Component
class ShareTokenGrantBatcher {

    private final ShareTokenGrants tokens;
    private final OutboxRelay relay;
    private final GrantQueue<ShareTokenGet, Grant> queue;

    ShareTokenGrantBatcher(
            ShareTokenGrants tokens, OutboxRelay relay, GrantBatchProperties properties, MeterRegistry meters) {
        this.tokens = tokens;
        this.relay = relay;
        this.queue = new GrantQueue<>(PublicRoute.SHARE_TOKEN, properties, meters, this::grantAll);
    }

    /**
     * What the active token at this public path grants (a file, or no download), once its download is on the
     * record; empty if no active token answers the path. Signalled on {@code answerOn}. A visitor who hangs up
     * does not stop it: the download is then recorded without a 302 answered, as for a hang-up after a commit.
     */
    Mono<Grant> grant(
            String publicPath, @Nullable String clientAddress, @Nullable String userAgent, Executor answerOn) {
        return queue.submit(new ShareTokenGet(publicPath, clientAddress, userAgent), answerOn);
    }

    private Mono<Runnable> grantAll(List<Waiting<ShareTokenGet, Grant>> batch) {
        return tokens.grantAll(batch.stream().map(Waiting::request).toList())
                .map(answers -> () -> answer(batch, answers));
    }

    private void answer(List<Waiting<ShareTokenGet, Grant>> batch, Map<Integer, Grant> answers) {
        if (answers.values().stream().anyMatch(grant -> grant.download() != null)) {
            // their ShareTokenDownloaded events are committed: the relay sends them after its wake-up delay
            relay.wakeUp();
        }
        for (int i = 0; i < batch.size(); i++) {
            Grant grant = answers.get(i);
            if (grant == null) {
                batch.get(i).refuse();
            } else {
                batch.get(i).grant(grant);
            }
        }
    }
}
