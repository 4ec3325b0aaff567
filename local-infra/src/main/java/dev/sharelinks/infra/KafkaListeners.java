package dev.sharelinks.infra;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/** What a running Spring context's Kafka listeners subscribe to, to compare with a service's KafkaAccess. */
public final class KafkaListeners {

    private KafkaListeners() {}

    /** Each listener container's consumer group, and the topics its listeners in that group read. */
    public static Map<String, Set<String>> topicsByGroup(KafkaListenerEndpointRegistry registry) {
        Map<String, Set<String>> topicsByGroup = new TreeMap<>();
        for (var container : registry.getListenerContainers()) {
            topicsByGroup
                    .computeIfAbsent(String.valueOf(container.getGroupId()), group -> new TreeSet<>())
                    .addAll(Set.of(container.getContainerProperties().getTopics()));
        }
        return topicsByGroup;
    }
}
