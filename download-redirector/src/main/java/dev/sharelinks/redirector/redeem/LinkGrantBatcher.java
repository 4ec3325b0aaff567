package dev.sharelinks.redirector.redeem;

import dev.sharelinks.messaging.outbox.OutboxRelay;
import dev.sharelinks.redirector.redeem.GrantQueue.Waiting;
import dev.sharelinks.redirector.redeem.RedeemableLinks.GrantedDownload;
import dev.sharelinks.redirector.redeem.RedeemableLinks.Grants;
import dev.sharelinks.redirector.redeem.RedeemableLinks.Redeem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Grants links' downloads in batches ({@link GrantQueue}): one statement decrements every link the batch asks for,
 * from its row or from this replica's download lease of it ({@link DownloadLeases}), and records the grants.
 */
@Component
class LinkGrantBatcher {

    private final RedeemableLinks links;
    private final DownloadLeases leases;
    private final OutboxRelay relay;
    private final LeaseProperties leaseProperties;
    private final Counter grants;
    private final Counter abandonedGrants;
    private final GrantQueue<LinkGrant, GrantedDownload> queue;

    LinkGrantBatcher(
            RedeemableLinks links,
            DownloadLeases leases,
            OutboxRelay relay,
            GrantBatchProperties properties,
            LeaseProperties leaseProperties,
            MeterRegistry meters) {
        this.links = links;
        this.leases = leases;
        this.relay = relay;
        this.leaseProperties = leaseProperties;
        this.grants = Counter.builder("sharelinks.redeem.grants")
                .description("downloads granted: each one a committed decrement with its DownloadConsumed event")
                .register(meters);
        this.abandonedGrants = Counter.builder("sharelinks.redeem.grants.abandoned")
                .description("downloads granted (and recorded) for visitors who had gone before the answer")
                .register(meters);
        this.queue = new GrantQueue<>(PublicRoute.LINK, properties, meters, this::grantAll);
    }

    /**
     * The object to hand out once its grant is committed, or empty if the link cannot be redeemed; signalled on
     * {@code answerOn} (the request's event loop), not on the database connection's thread.
     */
    Mono<GrantedDownload> grant(
            String key,
            @Nullable String clientAddress,
            @Nullable String userAgent,
            @Nullable String recipientRef,
            Executor answerOn) {
        return queue.submit(new LinkGrant(new Redeem(key, clientAddress, userAgent, recipientRef), false), answerOn);
    }

    private Mono<Runnable> grantAll(List<Waiting<LinkGrant, GrantedDownload>> batch) {
        List<Redeem> redeems = batch.stream().map(get -> get.request().redeem()).toList();
        BitSet rowOnly = new BitSet(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            rowOnly.set(i, batch.get(i).request().rowOnly());
        }
        @Nullable Long[] leased = leases.assign(redeems, rowOnly);
        AtomicBoolean settled = new AtomicBoolean();
        return links.grantAll(redeems, leased)
                .doOnNext(granted -> settled.set(true))
                // failed or timed out: the downloads it would have taken from leases were not granted
                .doFinally(signal -> {
                    if (!settled.get()) {
                        leases.released(leased);
                    }
                })
                .map(granted -> () -> answer(batch, leased, granted));
    }

    private void answer(List<Waiting<LinkGrant, GrantedDownload>> batch, @Nullable Long[] leased, Grants outcome) {
        Map<Integer, GrantedDownload> granted = outcome.granted();
        leases.settled(leased, granted.keySet());
        if (!granted.isEmpty()) {
            // their DownloadConsumed events are committed: the relay sends them after its wake-up delay, not its poll
            relay.wakeUp();
        }
        for (int i = 0; i < batch.size(); i++) {
            Waiting<LinkGrant, GrantedDownload> get = batch.get(i);
            GrantedDownload download = granted.get(i);
            if (download != null) {
                grants.increment();
                if (get.gone().get()) {
                    // the grant is recorded like any other; counted so that grants and 302s can be reconciled
                    abandonedGrants.increment();
                }
                get.grant(download);
            } else if (get.gone().get()) {
                get.refuse();
            } else if (leased[i] != null) {
                // its lease is gone (expired and swept) or its link no longer redeemable: the row decides
                queue.add(get.asking(new LinkGrant(get.request().redeem(), true)));
            } else if (outcome.held().get(i)
                    && System.nanoTime() - get.since()
                            < leaseProperties.heldWait().toNanos()) {
                // the row has none left, but leases hold some: they come back when those leases end
                Mono.delay(leaseProperties.heldRetry()).subscribe(tick -> queue.add(get));
            } else {
                get.refuse();
            }
        }
    }

    /** One GET's redeem; {@code rowOnly} once a grant from a lease failed for it, so the link's row decides. */
    private record LinkGrant(Redeem redeem, boolean rowOnly) {}
}
