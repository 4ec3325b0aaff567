/**
 * The transactional outbox shared by every service that publishes events: {@link dev.sharelinks.messaging.outbox.Outbox}
 * appends an event inside the caller's database transaction, {@link dev.sharelinks.messaging.outbox.OutboxRelay} publishes
 * committed events to Kafka in order (idempotent producer, {@code acks=all}) and removes them once acknowledged.
 * The outbox's tables have their own Flyway history, migrated after the service's ({@link dev.sharelinks.messaging.outbox.OutboxSchema}).
 */
@NullMarked
package dev.sharelinks.messaging.outbox;

import org.jspecify.annotations.NullMarked;
