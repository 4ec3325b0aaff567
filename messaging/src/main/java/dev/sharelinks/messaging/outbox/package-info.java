/**
 * The transactional outbox shared by every service that publishes events: {@link dev.sharelinks.messaging.outbox.Outbox}
 * appends an event inside the caller's database transaction, {@link dev.sharelinks.messaging.outbox.OutboxRelay} publishes
 * committed events to Kafka in order (idempotent producer, {@code acks=all}) and removes them once acknowledged.
 * A service adds {@code classpath:db/outbox} to its Flyway locations to get the table.
 */
@NullMarked
package dev.sharelinks.messaging.outbox;

import org.jspecify.annotations.NullMarked;
