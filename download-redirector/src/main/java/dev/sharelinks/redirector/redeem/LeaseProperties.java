package dev.sharelinks.redirector.redeem;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Download leases: how a replica serving a hot link takes blocks of its downloads, so that replicas serving one
 * link do not take turns on its row (docs/architecture.md, "A hot link across replicas").
 *
 * @param enabled whether this replica takes leases at all; it grants from other replicas' leftovers either way
 * @param hotRequests a key with at least this many redeems in one grant statement is hot: the replica takes a lease
 *     of it. A batch collects what arrived during the statement before, so this is a rate, scaled by the statement's
 *     time. Eight keeps busy links that are not hot out: with 4, 200 links at 40 redeems/s each took leases by chance
 *     and cost a tenth of the throughput (docs/performance.md)
 * @param minRemaining a link is only leased while its row has at least this many downloads left: a small limit is
 *     never leased, so its few downloads never sit in one replica
 * @param maxShare the most of a row's downloads one lease takes, so that other replicas find some left
 * @param initialSize a key's first lease; later ones are sized from the rate its previous lease was used at
 * @param maxSize the largest lease
 * @param lifetime how long a lease is granted from; then its holder ends it and takes another if the link is still
 *     hot. Also the longest a visitor on another replica waits for downloads a lease holds (see {@code heldWait})
 * @param idle a lease not granted from for this long is ended, its unused downloads back with the link
 * @param expiryGrace how long after its lifetime a lease expires in the database: its grants stop being accepted
 *     and any replica's sweeper gives its unused downloads back. That is how a crashed holder's leases come back
 * @param sweepInterval how often this replica looks for expired leases of any holder
 * @param heldWait how long a redeem refused by a link's row while its leases hold downloads keeps trying again
 *     before it is answered as used up; longer than {@code lifetime}, so that a holder's lease ends meanwhile
 * @param heldRetry how long such a redeem waits between tries
 */
@ConfigurationProperties("sharelinks.redeem.lease")
public record LeaseProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("8") int hotRequests,
        @DefaultValue("1000") int minRemaining,
        @DefaultValue("0.25") double maxShare,
        @DefaultValue("256") int initialSize,
        @DefaultValue("100000") int maxSize,
        @DefaultValue("2s") Duration lifetime,
        @DefaultValue("500ms") Duration idle,
        @DefaultValue("10s") Duration expiryGrace,
        @DefaultValue("5s") Duration sweepInterval,
        @DefaultValue("4s") Duration heldWait,
        @DefaultValue("50ms") Duration heldRetry) {

    public LeaseProperties {
        if (hotRequests < 2) {
            throw new IllegalArgumentException("sharelinks.redeem.lease.hot-requests must be at least 2");
        }
        if (maxShare <= 0 || maxShare > 1) {
            throw new IllegalArgumentException("sharelinks.redeem.lease.max-share must be in (0, 1]");
        }
        if (heldWait.compareTo(lifetime.plus(idle)) <= 0) {
            throw new IllegalArgumentException(
                    "sharelinks.redeem.lease.held-wait must be longer than the lease lifetime plus its idle time");
        }
    }
}
