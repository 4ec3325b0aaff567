package dev.sharelinks.messaging.kafka;

import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Runs before Boot's Kafka auto-configuration, whose producer and consumer factories, template and listener
 * container factory then back off for these.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@EnableConfigurationProperties(SharelinksKafkaProperties.class)
public class KafkaPlumbingAutoConfiguration {

    /** The bean name of the container factory for batch listeners. */
    public static final String BATCH_LISTENER_FACTORY = "batchKafkaListenerContainerFactory";

    @Bean
    @ConditionalOnMissingBean
    EventSerde eventSerde() {
        return new EventSerde();
    }

    /** Values are the JSON bytes of an envelope, keys the aggregate id. */
    @Bean
    @ConditionalOnMissingBean(ProducerFactory.class)
    ProducerFactory<String, byte[]> kafkaProducerFactory(
            KafkaProperties kafka, ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        DefaultKafkaProducerFactory<String, byte[]> factory =
                new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer());
        // Boot's own customizers, among them the Micrometer client metrics its factory would have had
        customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
        return factory;
    }

    /**
     * Listeners get the raw bytes and parse them with {@link EventSerde}, so a record that is not an event fails
     * inside the listener, where the error handler can send it to the dead-letter topic.
     */
    @Bean
    @ConditionalOnMissingBean(ConsumerFactory.class)
    ConsumerFactory<String, byte[]> kafkaConsumerFactory(
            KafkaProperties kafka, ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        DefaultKafkaConsumerFactory<String, byte[]> factory =
                new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        // Boot's own customizers, among them the Micrometer client metrics (consumer lag included)
        customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
        return factory;
    }

    /** Boot's own template backs off for this one, whose types match what every Sharelinks producer sends. */
    @Bean
    @ConditionalOnMissingBean(KafkaTemplate.class)
    KafkaTemplate<String, byte[]> kafkaTemplate(ProducerFactory<String, byte[]> producerFactory) {
        return new KafkaTemplate<>(producerFactory);
    }

    /** The container factory of every {@code @KafkaListener}: raw envelope bytes in, failures to the handler. */
    @Bean
    @ConditionalOnMissingBean(name = "kafkaListenerContainerFactory")
    ConcurrentKafkaListenerContainerFactory<String, byte[]> kafkaListenerContainerFactory(
            ConsumerFactory<String, byte[]> consumerFactory, CommonErrorHandler errorHandler) {
        // commit each record's offset right after its own transaction: a restart redoes at most one record
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory =
                listenerContainerFactory(consumerFactory, errorHandler, ContainerProperties.AckMode.RECORD);
        // the listener runs in the span of the record's trace context (the traceparent header the outbox relay
        // sent), so its logs and its own outbox rows carry the trace of the request that wrote the event
        factory.getContainerProperties().setObservationEnabled(true);
        return factory;
    }

    /**
     * For a listener that applies a whole poll in one transaction ({@code @KafkaListener(batch = "true",
     * containerFactory = BATCH_LISTENER_FACTORY)}): the offsets are committed once it returned. {@link EventBatches}
     * reads the poll and sends a record that is not an event to the dead-letter topic. No observation: a batch
     * listener runs in no record's span, and one observation per record would be a span per event for nothing (the
     * redirector receives every grant, its own included). Its fetches wait for a few hundred records (or
     * {@code batch-fetch-max-wait}), so that a busy topic is applied in a transaction per hundreds of events, not per
     * few dozen.
     */
    @Bean(BATCH_LISTENER_FACTORY)
    @ConditionalOnMissingBean(name = BATCH_LISTENER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<String, byte[]> batchKafkaListenerContainerFactory(
            ConsumerFactory<String, byte[]> consumerFactory,
            CommonErrorHandler errorHandler,
            SharelinksKafkaProperties properties) {
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory =
                listenerContainerFactory(consumerFactory, errorHandler, ContainerProperties.AckMode.BATCH);
        factory.setBatchListener(true);
        // on each container: the factory does not hand its own consumer properties on to the containers it makes
        factory.setContainerCustomizer(container -> {
            Properties consumer = new Properties();
            consumer.setProperty(
                    ConsumerConfig.FETCH_MIN_BYTES_CONFIG,
                    String.valueOf(properties.batchFetchMinBytes().toBytes()));
            consumer.setProperty(
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                    String.valueOf(properties.batchFetchMaxWait().toMillis()));
            // what a listener sets itself (@KafkaListener properties) wins
            consumer.putAll(container.getContainerProperties().getKafkaConsumerProperties());
            container.getContainerProperties().setKafkaConsumerProperties(consumer);
        });
        // nor Spring Kafka's own listener timer: it is named like the record listeners' observation timer but has
        // other tags, which Prometheus refuses in one service. Consumer lag is in Kafka's client metrics
        factory.getContainerProperties().setMicrometerEnabled(false);
        return factory;
    }

    private static ConcurrentKafkaListenerContainerFactory<String, byte[]> listenerContainerFactory(
            ConsumerFactory<String, byte[]> consumerFactory,
            CommonErrorHandler errorHandler,
            ContainerProperties.AckMode ackMode) {
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory);
        factory.setCommonErrorHandler(errorHandler);
        factory.getContainerProperties().setAckMode(ackMode);
        return factory;
    }

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    CommonErrorHandler kafkaErrorHandler(KafkaTemplate<String, byte[]> kafka, SharelinksKafkaProperties properties) {
        ExponentialBackOff backOff =
                new ExponentialBackOff(properties.retryInitialInterval().toMillis(), 2.0);
        backOff.setMaxInterval(properties.retryMaxInterval().toMillis());
        backOff.setMaxElapsedTime(properties.retryMaxElapsed().toMillis());
        return DeadLetters.errorHandler(kafka, backOff);
    }

    /** The event topics keep everything (audit replay); so do their dead-letter topics. */
    @Bean
    @ConditionalOnProperty(name = "sharelinks.kafka.create-topics", havingValue = "true", matchIfMissing = true)
    KafkaAdmin.NewTopics sharelinksTopics(SharelinksKafkaProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : Topics.ALL) {
            for (String name : List.of(topic, Topics.deadLetterOf(topic))) {
                topics.add(TopicBuilder.name(name)
                        .partitions(properties.partitions())
                        .replicas(properties.replicationFactor())
                        .config(TopicConfig.RETENTION_MS_CONFIG, "-1")
                        .build());
            }
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }
}
