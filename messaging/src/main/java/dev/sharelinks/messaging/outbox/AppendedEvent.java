package dev.sharelinks.messaging.outbox;

/**
 * An event appended to the outbox: its row, and where it will be published, for {@link ReadYourWrites}.
 *
 * @param seq the outbox row's sequence number
 * @param key the Kafka record key (the aggregate id)
 */
public record AppendedEvent(long seq, String topic, String key) {}
