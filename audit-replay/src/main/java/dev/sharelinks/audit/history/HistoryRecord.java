package dev.sharelinks.audit.history;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One record of an event topic, where it was and what it held; {@code timestamp} is the broker's record time. */
@SuppressWarnings("ArrayRecordComponent") // a record read once, in order, never compared or kept in a set
public record HistoryRecord(
        String topic,
        int partition,
        long offset,
        Instant timestamp,
        @Nullable String key,
        byte @Nullable [] value) {}
