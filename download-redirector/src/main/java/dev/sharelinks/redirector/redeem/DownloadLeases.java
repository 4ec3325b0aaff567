package dev.sharelinks.redirector.redeem;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.EventType;
import dev.sharelinks.messaging.outbox.OutboxRelay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * This replica's download leases (docs/architecture.md, "A hot link across replicas"). A key seen hot in a grant
 * statement ({@code hot-requests} redeems in one batch) gets a lease: a block of its link's downloads taken from its
 * row in one statement ({@code redeem/lease/take.sql}). The batcher then grants that key's redeems from the lease
 * ({@code redeem/grant.sql} raises the lease's used count, a row only this replica writes) instead of locking the
 * link's row, which replicas would take turns on. Leases are counted out here, never beyond their size; the
 * database's count is the truth, and a lease's end ({@code redeem/lease/end.sql}) gives back what it did not use.
 * <p>
 * A lease is granted from for its lifetime, then ended, as is one used up or idle; a key still hot takes the next
 * one before the current one runs out, sized from the rate the current one was used at. On shutdown every lease
 * is ended; a replica that dies leaves its leases to expire, and any replica's sweeper then ends them.
 */
@Component
class DownloadLeases implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DownloadLeases.class);
    private static final String TAKE = RedeemableLinks.statement("redeem/lease/take.sql");
    private static final String END = RedeemableLinks.statement("redeem/lease/end.sql");
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);
    /** The least time a lease's rate is measured over, so that a first busy millisecond does not size the next. */
    private static final long MIN_RATE_WINDOW_NANOS = Duration.ofMillis(50).toNanos();

    private final DatabaseClient db;
    private final OutboxRelay relay;
    private final LeaseProperties properties;
    private final LongSupplier nanoTime = System::nanoTime;
    private final String holder;
    private final Map<String, KeyLeases> byKey = new ConcurrentHashMap<>();
    private final Set<String> taking = ConcurrentHashMap.newKeySet();
    /** Keys whose last take found nothing to lease, until when (nanoTime) not to try again. */
    private final Map<String, Long> notLeasable = new ConcurrentHashMap<>();

    private final Counter taken;
    private final Counter ended;
    private volatile boolean running;
    private volatile long nextSweep;

    DownloadLeases(DatabaseClient db, OutboxRelay relay, LeaseProperties properties, MeterRegistry meters) {
        this.db = db;
        this.relay = relay;
        this.properties = properties;
        this.holder = ManagementFactory.getRuntimeMXBean().getName();
        this.taken = Counter.builder("sharelinks.redeem.leases.taken")
                .description("download leases this replica took: blocks of a hot link's downloads")
                .register(meters);
        this.ended = Counter.builder("sharelinks.redeem.leases.ended")
                .description("download leases ended, this replica's and expired ones it swept")
                .register(meters);
        Gauge.builder(
                        "sharelinks.redeem.leases.held",
                        byKey,
                        keys -> keys.values().stream().mapToInt(KeyLeases::size).sum())
                .description("download leases this replica holds")
                .register(meters);
    }

    /**
     * The lease each redeem of a batch is to be granted from, by index, or null for its link's row; a redeem in
     * {@code rowOnly} is never given one. Counted out here, so a lease is never given more redeems than its size.
     * Also takes a lease, in the background, of each key the batch shows hot.
     */
    @Nullable
    Long[] assign(List<RedeemableLinks.Redeem> batch, BitSet rowOnly) {
        @Nullable Long[] leases = new Long[batch.size()];
        if (!running || (byKey.isEmpty() && batch.size() < properties.hotRequests())) {
            return leases;
        }
        long now = nanoTime.getAsLong();
        Map<String, Integer> perKey = batch.size() >= properties.hotRequests() ? new HashMap<>() : null;
        for (int i = 0; i < batch.size(); i++) {
            String key = batch.get(i).key();
            if (perKey != null) {
                perKey.merge(key, 1, Integer::sum);
            }
            KeyLeases held = byKey.get(key);
            if (held != null && !rowOnly.get(i)) {
                leases[i] = held.assign(now);
            }
        }
        if (perKey != null && properties.enabled()) {
            perKey.forEach((key, requests) -> {
                if (requests >= properties.hotRequests()) {
                    considerTaking(key, now);
                }
            });
        }
        return leases;
    }

    /**
     * A grant statement's outcome for the redeems {@link #assign} gave leases: those not in {@code granted} found
     * their lease gone or its link no longer redeemable, so the lease is ended.
     */
    void settled(@Nullable Long[] leases, Set<Integer> granted) {
        for (int i = 0; i < leases.length; i++) {
            Long lease = leases[i];
            if (lease != null) {
                Lease held = find(lease);
                if (held != null) {
                    held.owner().settled(held, granted.contains(i));
                }
            }
        }
    }

    /** A grant statement failed: its redeems are no longer in flight, and whether they were granted is unknown. */
    void released(@Nullable Long[] leases) {
        for (Long lease : leases) {
            if (lease != null) {
                Lease held = find(lease);
                if (held != null) {
                    held.owner().settled(held, true);
                }
            }
        }
    }

    private @Nullable Lease find(long id) {
        for (KeyLeases leases : byKey.values()) {
            Lease lease = leases.find(id);
            if (lease != null) {
                return lease;
            }
        }
        return null;
    }

    private void considerTaking(String key, long now) {
        KeyLeases held = byKey.get(key);
        if (held != null && !held.wantsAnother(now)) {
            return;
        }
        Long until = notLeasable.get(key);
        if (until != null && now - until < 0) {
            return;
        }
        if (!taking.add(key)) {
            return;
        }
        int size = held == null ? properties.initialSize() : held.nextSize(now);
        db.sql(TAKE)
                .bind(0, CapabilityDigests.sha256(key))
                .bind(1, size)
                .bind(2, properties.maxShare())
                .bind(3, properties.minRemaining())
                .bind(4, holder)
                .bind(5, properties.lifetime().plus(properties.expiryGrace()).toMillis() + " milliseconds")
                .map(row -> new long[] {row.get("lease_id", Long.class), row.get("size", Integer.class)})
                .one()
                .timeout(STATEMENT_TIMEOUT)
                .doFinally(signal -> taking.remove(key))
                .subscribe(
                        lease -> {
                            taken.increment();
                            long takenAt = nanoTime.getAsLong();
                            byKey.compute(key, (k, leases) -> {
                                KeyLeases keyLeases = leases == null ? new KeyLeases() : leases;
                                keyLeases.add(new Lease(keyLeases, lease[0], (int) lease[1], takenAt));
                                return keyLeases;
                            });
                        },
                        failure -> {
                            log.warn("could not take a download lease of a hot link: {}", failure.toString());
                            notLeasable.put(
                                    key,
                                    nanoTime.getAsLong() + properties.lifetime().toNanos());
                        },
                        () -> {
                            if (byKey.get(key) == null) {
                                notLeasable.put(
                                        key,
                                        nanoTime.getAsLong()
                                                + properties.lifetime().toNanos());
                            }
                        });
    }

    /**
     * Ends this replica's leases that are done (past their lifetime, used up or idle, and no grant of theirs in
     * flight) and, every {@code sweep-interval}, any replica's past their expiry.
     */
    @Scheduled(fixedDelayString = "${sharelinks.redeem.lease.tick:100ms}")
    void endDone() {
        long now = nanoTime.getAsLong();
        List<Long> done = new ArrayList<>();
        for (Iterator<Map.Entry<String, KeyLeases>> entries = byKey.entrySet().iterator(); entries.hasNext(); ) {
            Map.Entry<String, KeyLeases> entry = entries.next();
            entry.getValue().takeDone(now, !running, done);
            byKey.computeIfPresent(entry.getKey(), (key, leases) -> leases.size() == 0 ? null : leases);
        }
        notLeasable.values().removeIf(until -> now - until >= 0);
        boolean sweep = now - nextSweep >= 0;
        if (done.isEmpty() && !sweep) {
            return;
        }
        if (sweep) {
            nextSweep = now + properties.sweepInterval().toNanos();
        }
        end(done, sweep);
    }

    private void end(List<Long> leases, boolean expiredToo) {
        try {
            List<Long> endedLeases = db.sql(END)
                    .bind(0, leases.toArray(Long[]::new))
                    .bind(1, EventType.DOWNLOAD_COUNT_SETTLED.topic())
                    .bind(2, EventType.DOWNLOAD_COUNT_SETTLED.typeName())
                    .bind(3, expiredToo)
                    .map(row -> row.get("lease_id", Long.class))
                    .all()
                    .collectList()
                    .block(STATEMENT_TIMEOUT);
            if (endedLeases != null && !endedLeases.isEmpty()) {
                ended.increment(endedLeases.size());
                relay.wakeUp();
            }
        } catch (RuntimeException failure) {
            // they stay in the database until they expire, and a sweeper (this one's, or another replica's) ends them
            log.warn(
                    "could not end {} download leases; they come back at their expiry: {}",
                    leases.size(),
                    failure.toString());
        }
    }

    @Override
    public void start() {
        nextSweep = nanoTime.getAsLong() + properties.sweepInterval().toNanos();
        running = true;
    }

    /** After the web server has stopped answering: every lease is ended, so its downloads come back at once. */
    @Override
    public void stop() {
        running = false;
        List<Long> all = new ArrayList<>();
        long deadline = nanoTime.getAsLong() + Duration.ofSeconds(5).toNanos();
        do {
            byKey.values().forEach(leases -> leases.takeDone(nanoTime.getAsLong(), true, all));
            byKey.values().removeIf(leases -> leases.size() == 0);
            if (!byKey.isEmpty()) {
                sleep();
            }
        } while (!byKey.isEmpty() && nanoTime.getAsLong() - deadline < 0);
        if (!all.isEmpty()) {
            end(all, false);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the database pool closes, after the web server (a later phase) has drained its requests. */
    @Override
    public int getPhase() {
        return 0;
    }

    /** One key's leases, oldest first: usually one, two while the next is taken before the current runs out. */
    private final class KeyLeases {

        private final List<Lease> leases = new ArrayList<>(2);

        synchronized int size() {
            return leases.size();
        }

        synchronized void add(Lease lease) {
            leases.add(lease);
        }

        synchronized @Nullable Lease find(long id) {
            for (Lease lease : leases) {
                if (lease.id == id) {
                    return lease;
                }
            }
            return null;
        }

        /** The oldest usable lease with downloads left, one of them now counted out; null if none. */
        synchronized @Nullable Long assign(long now) {
            for (Lease lease : leases) {
                if (lease.usable(now)) {
                    lease.assigned++;
                    lease.inFlight++;
                    lease.lastAssigned = now;
                    return lease.id;
                }
            }
            return null;
        }

        synchronized void settled(Lease lease, boolean granted) {
            lease.inFlight--;
            if (!granted) {
                lease.ending = true;
            }
        }

        /**
         * Whether the key should take another lease: it has none usable, or only one, with less than half of it
         * left or more than half of its lifetime gone.
         */
        synchronized boolean wantsAnother(long now) {
            List<Lease> usable =
                    leases.stream().filter(lease -> lease.usable(now)).toList();
            if (usable.size() != 1) {
                return usable.isEmpty();
            }
            Lease lease = usable.get(0);
            return 2 * lease.assigned >= lease.size
                    || 2 * (now - lease.takenAt) >= properties.lifetime().toNanos();
        }

        /** The next lease's size: what the newest lease was used at for a lifetime, and half again. */
        synchronized int nextSize(long now) {
            if (leases.isEmpty()) {
                return properties.initialSize();
            }
            Lease newest = leases.get(leases.size() - 1);
            double perNano = newest.assigned / (double) Math.max(now - newest.takenAt, MIN_RATE_WINDOW_NANOS);
            double wanted = 1.5 * perNano * properties.lifetime().toNanos();
            return (int) Math.max(properties.initialSize(), Math.min(properties.maxSize(), wanted));
        }

        /** Moves the ids of the leases that are done (or all, when {@code all}) and have nothing in flight. */
        synchronized void takeDone(long now, boolean all, List<Long> done) {
            for (Iterator<Lease> it = leases.iterator(); it.hasNext(); ) {
                Lease lease = it.next();
                if (all
                        || lease.assigned == lease.size
                        || now - lease.takenAt >= properties.lifetime().toNanos()
                        || now - lease.lastAssigned >= properties.idle().toNanos()) {
                    lease.ending = true;
                }
                if (lease.ending && lease.inFlight == 0) {
                    it.remove();
                    done.add(lease.id);
                }
            }
        }
    }

    /** A lease as its holder counts it out; guarded by its owner's lock. */
    private final class Lease {

        private final KeyLeases owner;
        private final long id;
        private final int size;
        private final long takenAt;
        private int assigned;
        private int inFlight;
        private long lastAssigned;
        private boolean ending;

        Lease(KeyLeases owner, long id, int size, long takenAt) {
            this.owner = owner;
            this.id = id;
            this.size = size;
            this.takenAt = takenAt;
            this.lastAssigned = takenAt;
        }

        KeyLeases owner() {
            return owner;
        }

        boolean usable(long now) {
            return !ending
                    && assigned < size
                    && now - takenAt < properties.lifetime().toNanos();
        }
    }
}
