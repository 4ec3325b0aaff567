package dev.sharelinks.messaging.outbox;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An event waiting in the outbox, as the relay reads it: one per single-event row, one per element of a row of
 * several, in order.
 *
 * @param seq its outbox row
 * @param traceContext the headers that carry the trace of the request that appended it; often none
 */
record PendingEvent(
        long seq,
        UUID eventId,
        String topic,
        String key,
        String type,
        Instant occurredAt,
        String data,
        Map<String, String> traceContext) {}
