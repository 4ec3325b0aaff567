/**
 * Kafka settings every Sharelinks service shares, because the delivery guarantees depend on them: an idempotent
 * producer with {@code acks=all}, consumers that read raw envelope bytes and commit only after processing, a
 * dead-letter topic ({@code <topic>-dlt}) for records that can never be processed, and the topics themselves.
 */
@NullMarked
package dev.sharelinks.messaging.kafka;

import org.jspecify.annotations.NullMarked;
