package dev.sharelinks.messaging.outbox;

import dev.sharelinks.events.EventSerde;
import dev.sharelinks.messaging.kafka.KafkaPlumbingAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.propagation.Propagator;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import org.apache.kafka.clients.admin.Admin;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/** The outbox writer, relay and schema, for any service with R2DBC and Kafka. */
@AutoConfiguration(
        after = KafkaPlumbingAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcAutoConfiguration",
            "org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration"
        })
@ConditionalOnClass(DatabaseClient.class)
@EnableConfigurationProperties({OutboxProperties.class, ReadYourWritesProperties.class})
public class OutboxAutoConfiguration {

    @Bean
    Outbox outbox(DatabaseClient db, EventSerde serde, ObjectProvider<Propagator> propagator, OutboxRelay relay) {
        return new Outbox(db, serde, propagator.getIfAvailable(() -> Propagator.NOOP), relay::wakeUp);
    }

    @Bean
    OutboxRelay outboxRelay(
            DatabaseClient db,
            ReactiveTransactionManager transactions,
            KafkaTemplate<String, byte[]> kafka,
            KafkaAdmin kafkaAdmin,
            EventSerde serde,
            OutboxProperties properties,
            ObjectProvider<MeterRegistry> meters,
            ReadYourWrites readYourWrites) {
        Refusals refusals = new Refusals(
                new TopicCheck(kafkaAdmin.getConfigurationProperties()),
                properties.unknownTopicGrace(),
                Clock.systemUTC());
        EventSender sender = new EventSender(kafka, new EventRecords(serde, properties), refusals);
        return new OutboxRelay(
                new OutboxRows(db),
                sender,
                TransactionalOperator.create(transactions),
                properties,
                new RelayMetrics(meters.getIfAvailable(SimpleMeterRegistry::new)),
                readYourWrites::published);
    }

    @Bean
    ReadYourWrites readYourWrites(
            DatabaseClient db,
            KafkaAdmin kafkaAdmin,
            ReadYourWritesProperties properties,
            ObjectProvider<MeterRegistry> meters) {
        return new ReadYourWrites(
                db,
                () -> Admin.create(kafkaAdmin.getConfigurationProperties()),
                properties,
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    @ConditionalOnClass(name = "io.r2dbc.postgresql.api.PostgresqlConnection")
    @ConditionalOnProperty(
            name = {"sharelinks.outbox.relay-enabled", "sharelinks.outbox.commit-notifications"},
            matchIfMissing = true)
    OutboxNotifications outboxNotifications(ConnectionFactory connections, OutboxRelay relay) {
        return new OutboxNotifications(connections, relay);
    }

    /** Runs the outbox's own migrations after the service's, wherever Spring Boot runs Flyway. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({Flyway.class, FlywayMigrationStrategy.class})
    static class OutboxSchemaConfiguration {

        @Bean
        @ConditionalOnMissingBean
        FlywayMigrationStrategy outboxSchemaAfterServiceMigrations(OutboxProperties properties) {
            return new OutboxSchema(properties.commitNotifications())::migrate;
        }
    }
}
