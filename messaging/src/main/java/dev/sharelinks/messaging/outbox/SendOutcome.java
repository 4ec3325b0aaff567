package dev.sharelinks.messaging.outbox;

import org.jspecify.annotations.Nullable;

/** What became of one outbox event the relay sent. */
sealed interface SendOutcome {

    /** The broker stored it; {@code at} is where, when the producer said. */
    record Acknowledged(OutboxRelay.@Nullable StoredAt at) implements SendOutcome {}

    /** Kafka refused it for good: its row goes to the dead letters with this reason. */
    record Refused(String reason) implements SendOutcome {}

    /** Not sent, or failed in a way that may pass: its row stays for the next attempt. */
    record Unsettled() implements SendOutcome {}
}
