package dev.sharelinks.messaging.outbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Asks the broker whether a topic exists: true only when it answered that it does not. */
class TopicCheck implements Predicate<String> {

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    private final Map<String, Object> adminSettings;

    TopicCheck(Map<String, Object> adminSettings) {
        this.adminSettings = adminSettings;
    }

    @Override
    public boolean test(String topic) {
        try (Admin admin = Admin.create(adminSettings)) {
            admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs((int) ANSWER_WITHIN.toMillis()))
                    .allTopicNames()
                    .get();
            return false;
        } catch (ExecutionException e) {
            return e.getCause() instanceof UnknownTopicOrPartitionException;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException unreachable) {
            return false;
        }
    }
}
