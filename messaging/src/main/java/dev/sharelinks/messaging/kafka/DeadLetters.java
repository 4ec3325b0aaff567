package dev.sharelinks.messaging.kafka;

import dev.sharelinks.events.MalformedEventException;
import dev.sharelinks.events.Topics;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.BackOff;

/** Builds the error handler of a listener container: retry with back-off, then the dead-letter topic. */
public final class DeadLetters {

    private DeadLetters() {}

    /**
     * A record that fails is retried with {@code backOff}; one that is not an event at all, or one whose failure
     * is one of {@code permanentFailures}, goes straight to {@code <topic>-dlt} and the consumer moves on.
     */
    @SafeVarargs
    public static DefaultErrorHandler errorHandler(
            KafkaOperations<?, ?> kafka, BackOff backOff, Class<? extends Exception>... permanentFailures) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(
                kafka, (record, failure) -> new TopicPartition(Topics.deadLetterOf(record.topic()), -1));
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(MalformedEventException.class);
        for (Class<? extends Exception> permanent : permanentFailures) {
            handler.addNotRetryableExceptions(permanent);
        }
        return handler;
    }
}
