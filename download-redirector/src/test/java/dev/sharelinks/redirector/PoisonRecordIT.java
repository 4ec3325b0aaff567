package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PoisonRecordIT extends RedirectorIntegrationTest {

    @Test
    void whenARecordIsNotAnEventThenItGoesToTheDeadLetterTopicAndTheConsumerMovesOn() {
        publish(Topics.LINKS, "poison-1", "{not an event".getBytes(StandardCharsets.UTF_8));

        publishLink("media/7/original.bin", "after-poison.bin", 1, Instant.now().plusSeconds(3600));

        var dead = TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.deadLetterOf(Topics.LINKS),
                seen -> seen.stream().anyMatch(r -> "poison-1".equals(r.key())),
                Duration.ofSeconds(30));
        assertThat(dead).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo("poison-1");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{not an event");
        });
    }
}
