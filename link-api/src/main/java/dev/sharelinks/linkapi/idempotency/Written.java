package dev.sharelinks.linkapi.idempotency;

import dev.sharelinks.messaging.outbox.AppendedEvent;
import org.jspecify.annotations.Nullable;

/**
 * What a write's transaction produced: its answer, and the event the answer waits for the redirector to apply
 * (read-your-writes), or null when nothing the redirector serves changed (a share).
 */
public record Written<T>(T answer, @Nullable AppendedEvent awaited) {}
