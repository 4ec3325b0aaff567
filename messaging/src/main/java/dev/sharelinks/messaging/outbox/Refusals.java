package dev.sharelinks.messaging.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;

/**
 * Tells a send that Kafka refused for good, whose event goes to the dead letters, from one that may succeed later
 * (the broker away, a leader moving, an ACL being fixed), whose event stays in the outbox.
 *
 * <p>A topic the broker does not know fails like a broker that is away (the producer waits for its metadata and
 * times out), so the broker is asked whether the topic exists; and only once the event has waited
 * {@code unknownTopicGrace}, because topics may be created after the services that write to them start.
 */
class Refusals {

    private final Predicate<String> topicMissing;
    private final Duration unknownTopicGrace;
    private final Clock clock;

    /** @param topicMissing true when the broker answered that the topic does not exist; false when unsure */
    Refusals(Predicate<String> topicMissing, Duration unknownTopicGrace, Clock clock) {
        this.topicMissing = topicMissing;
        this.unknownTopicGrace = unknownTopicGrace;
        this.clock = clock;
    }

    /** Why Kafka refused {@code event} for good, or null if sending it again may succeed. */
    @Nullable
    String reason(PendingEvent event, Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidTopicException
                    || cause instanceof RecordTooLargeException
                    || cause instanceof RecordBatchTooLargeException
                    || cause instanceof InvalidRecordException) {
                return describe(cause);
            }
            if ((cause instanceof UnknownTopicOrPartitionException || cause instanceof TimeoutException)
                    && waitedLongerThanGrace(event)
                    && topicMissing.test(event.topic())) {
                return "UnknownTopicOrPartitionException: the broker has no topic " + event.topic() + " ("
                        + describe(cause) + ")";
            }
        }
        return null;
    }

    private boolean waitedLongerThanGrace(PendingEvent event) {
        return event.occurredAt().plus(unknownTopicGrace).isBefore(clock.instant());
    }

    static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
