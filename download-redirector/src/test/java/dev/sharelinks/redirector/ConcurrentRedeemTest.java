package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

/** The limit holds under concurrency across replicas: two redirector instances share the database. */
class ConcurrentRedeemTest extends RedirectorIntegrationTest {

    @LocalServerPort
    int port;

    /**
     * Two servers in one JVM: by default both would share Reactor Netty's global event loops, and closing the
     * second would shut them down under the first. Each replica gets its own, as separate processes would.
     */
    private static final class OwnNettyResources implements BeanPostProcessor {

        static void register(ConfigurableApplicationContext context) {
            context.getBeanFactory().addBeanPostProcessor(new OwnNettyResources());
        }

        @Override
        public Object postProcessBeforeInitialization(Object bean, String beanName) {
            if (bean instanceof ReactorResourceFactory resources) {
                resources.setUseGlobalResources(false);
            }
            return bean;
        }
    }

    @Test
    void when200ParallelRedeemsHitALimitOf25AcrossTwoInstancesThenExactly25Redirect() {
        LinkCreated link = publishLink("media/9/original.bin", "nine.bin", 25, Instant.now().plusSeconds(3600));
        Map<String, Object> second = new java.util.HashMap<>(properties());
        second.put("server.port", "0");
        second.put("spring.kafka.consumer.group-id", "second-instance");
        try (ConfigurableApplicationContext other = new SpringApplicationBuilder(RedirectorApplication.class)
                .properties(second)
                .initializers(OwnNettyResources::register)
                .run()) {
            int otherPort = other.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<Integer>> responses = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int target = i % 2 == 0 ? port : otherPort;
                responses.add(client.sendAsync(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + target + "/api/v2/shareable_links/" + link.key()))
                                .GET().build(), HttpResponse.BodyHandlers.discarding())
                        .thenApply(HttpResponse::statusCode));
            }
            Map<Integer, Long> statuses = responses.stream().map(CompletableFuture::join)
                    .collect(Collectors.groupingBy(s -> s, Collectors.counting()));

            assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(302, 25L, 404, 175L));
        }
        assertThat(SharedServers.postgres().query(DATABASE,
                "SELECT remaining FROM redirector.redeemable_links WHERE link_id = " + link.linkId())).isEqualTo("0");
        long events = TopicReader.readUntil(SharedServers.kafka().bootstrapServers(), Topics.DOWNLOADS,
                        seen -> seen.stream().filter(r -> r.key().equals(String.valueOf(link.linkId()))).count() >= 25,
                        Duration.ofSeconds(30))
                .stream().filter(r -> r.key().equals(String.valueOf(link.linkId()))).count();
        assertThat(events).isEqualTo(25);
    }
}
