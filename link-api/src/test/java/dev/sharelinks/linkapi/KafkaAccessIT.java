package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.KafkaAccess;
import dev.sharelinks.infra.KafkaListeners;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * The service's Kafka listeners, as they run, read what {@link KafkaAccess#LINK_API} (and so its KafkaUser's ACLs in
 * the manifests) lets it read, in its consumer groups, and may write their dead letters.
 */
class KafkaAccessIT extends LinkApiIntegrationTest {

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void itsListenersRunOnExactlyItsKafkaAccess() {
        Map<String, Set<String>> topicsByGroup = KafkaListeners.topicsByGroup(listeners);

        assertThat(topicsByGroup).isNotEmpty();
        assertThat(KafkaAccess.LINK_API.mismatchesWith(topicsByGroup)).isEmpty();
    }
}
