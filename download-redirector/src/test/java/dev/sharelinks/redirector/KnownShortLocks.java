package dev.sharelinks.redirector;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound may see park a reactive thread in these tests without failing them, each a lock held for a few
 * instructions, never across I/O: a thread parks only while another holds it.
 */
public class KnownShortLocks implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // the AWS signer borrows and returns a MessageDigest from a LinkedBlockingDeque per presign (SHA-256 of the
        // canonical request); BlockHound caught two event loops contending for it under ConcurrentRedeemIT
        builder.allowBlockingCallsInside("software.amazon.awssdk.checksums.internal.DigestAlgorithm", "getDigest");
        builder.allowBlockingCallsInside(
                "software.amazon.awssdk.checksums.internal.DigestAlgorithm$CloseableMessageDigest", "close");
        // and looks up the day's signing key in a FifoCache guarded by a read-write lock (written once a day per
        // key); readers park while a writer waits, which BlockHound caught under RedeemIT without JaCoCo's agent
        builder.allowBlockingCallsInside("software.amazon.awssdk.utils.cache.FifoCache", "get");
        builder.allowBlockingCallsInside("software.amazon.awssdk.utils.cache.FifoCache", "add");
        // an event loop queues a grant statement for its thread (LinkedBlockingQueue.offer); it parks while the
        // statement thread holds the queue's lock to take the previous one, which BlockHound caught under
        // ConcurrentRedeemIT (the error, thrown inside offer, also lost the queue's wake-up of the statement thread)
        builder.allowBlockingCallsInside("dev.sharelinks.redirector.redeem.GrantConnection", "handOff");
    }
}
