package dev.sharelinks.deploy.k8s;

import static dev.sharelinks.deploy.k8s.Kustomizations.assertMountsOnlyTheCertificate;
import static dev.sharelinks.deploy.k8s.Kustomizations.kafkaCluster;
import static dev.sharelinks.deploy.k8s.Kustomizations.nameOf;
import static dev.sharelinks.deploy.k8s.Kustomizations.onlyOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sharelinks.events.KafkaAccess;
import dev.sharelinks.events.Topics;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kafka as kustomize renders it for Strimzi: the topics are {@link Topics}' with their dead letters, the cluster takes
 * clients only over TLS with SCRAM logins and enforces ACLs, and each service logs in as a user of its own allowed
 * exactly what {@link KafkaAccess} says it does.
 */
@DisabledIfEnvironmentVariable(
        named = Kustomizations.SKIP_RENDERED,
        matches = "true",
        disabledReason = Kustomizations.SKIPPED_WITHOUT_KUBECTL)
class KafkaManifestTest {

    @ParameterizedTest
    @MethodSource(Kustomizations.EACH_OVERLAY)
    void kafkaTopicsAreTheEventTopicsAndTheirDeadLettersKeptForeverInTheClusterTheServicesUse(
            RenderedManifests overlay) {
        Map<String, GenericKubernetesResource> topics = new TreeMap<>();
        for (var topic : overlay.custom("KafkaTopic")) {
            topics.put(Objects.requireNonNullElse(topic.get("spec", "topicName"), nameOf(topic)), topic);
        }
        var expected = Topics.ALL.stream().flatMap(topic -> Stream.of(topic, Topics.deadLetterOf(topic)));
        assertThat(topics.keySet()).hasSameElementsAs(expected.toList());
        for (String event : Topics.ALL) {
            int partitions = topics.get(event).get("spec", "partitions");
            int deadLetterPartitions = topics.get(Topics.deadLetterOf(event)).get("spec", "partitions");
            assertThat(deadLetterPartitions)
                    .as("partitions of %s's dead letters, at most as many as its own", event)
                    .isPositive()
                    .isLessThanOrEqualTo(partitions);
        }
        String cluster = overlay.setting("KAFKA_BOOTSTRAP").replaceFirst("-kafka-bootstrap:.*", "");
        topics.forEach((name, topic) -> {
            assertEquals(cluster, topic.getMetadata().getLabels().get("strimzi.io/cluster"), name + "'s cluster");
            assertEquals("-1", "" + topic.get("spec", "config", "retention.ms"), name + " keeps its history");
            int inSync = topic.get("spec", "config", "min.insync.replicas");
            // the producers send with acks=all
            assertThat(inSync)
                    .as("%s's min.insync.replicas, within its replicas", name)
                    .isPositive()
                    .isLessThanOrEqualTo(topic.<Integer>get("spec", "replicas"));
        });
    }

    /**
     * The cluster the services use takes clients only over TLS with SCRAM-SHA-512 logins, enforces ACLs, runs the
     * operators that make the topics and users, and has the brokers its replication settings need.
     */
    @ParameterizedTest
    @MethodSource(Kustomizations.EACH_OVERLAY)
    void theKafkaClusterTakesClientsOnlyOverTlsWithScramLoginsAndEnforcesAcls(RenderedManifests overlay) {
        String cluster = kafkaCluster(overlay);
        GenericKubernetesResource kafka = onlyOne("Kafka clusters", overlay.custom("Kafka"));
        assertEquals(cluster, nameOf(kafka), "the cluster KAFKA_BOOTSTRAP names");
        int port = Integer.parseInt(overlay.setting("KAFKA_BOOTSTRAP").replaceFirst(".*:", ""));
        List<Map<String, Object>> listeners = kafka.get("spec", "kafka", "listeners");
        assertThat(listeners).extracting(listener -> listener.get("port")).contains(port);
        assertThat(listeners).as("every listener: TLS and SCRAM-SHA-512 logins").allSatisfy(listener -> {
            assertThat(listener.get("tls")).isEqualTo(true);
            assertThat(listener.get("authentication")).isEqualTo(Map.of("type", "scram-sha-512"));
        });
        assertEquals("simple", kafka.get("spec", "kafka", "authorization", "type"), "ACLs enforced");
        Map<String, Object> operators = kafka.get("spec", "entityOperator");
        assertThat(operators).as("operators of topics and users").containsKeys("topicOperator", "userOperator");

        int brokers = overlay.custom("KafkaNodePool").stream()
                .filter(pool -> cluster.equals(pool.getMetadata().getLabels().get("strimzi.io/cluster")))
                .filter(pool -> pool.<List<String>>get("spec", "roles").contains("broker"))
                .mapToInt(pool -> pool.<Integer>get("spec", "replicas"))
                .sum();
        Map<String, Object> config = kafka.get("spec", "kafka", "config");
        for (String factor : List.of(
                "default.replication.factor",
                "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor")) {
            assertThat((Integer) config.get(factor)).as(factor).isBetween(1, brokers);
        }
        assertThat((Integer) config.get("min.insync.replicas"))
                .as("min.insync.replicas")
                .isBetween(1, (Integer) config.get("default.replication.factor"));
        for (var topic : overlay.custom("KafkaTopic")) {
            assertThat(topic.<Integer>get("spec", "replicas"))
                    .as("%s's replicas", nameOf(topic))
                    .isBetween(1, brokers);
        }
    }

    /**
     * Each service logs in to Kafka over TLS (verified against the Strimzi cluster's CA) as a KafkaUser of its own,
     * whose ACLs allow exactly what {@link KafkaAccess} says the service does.
     */
    @ParameterizedTest
    @MethodSource(Kustomizations.EACH_SERVICE)
    void theServiceLogsInToKafkaOverTlsAsItsOwnUserAllowedOnlyWhatItDoes(DeployedService service) {
        RenderedManifests overlay = service.overlay();
        String cluster = kafkaCluster(overlay);
        var environment = service.environment();
        assertEquals("SASL_SSL", environment.get("SPRING_KAFKA_SECURITY_PROTOCOL"), "TLS and a SASL login");
        assertEquals("SCRAM-SHA-512", environment.get("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM"), "the login");
        assertEquals("PEM", environment.get("SPRING_KAFKA_SSL_TRUST_STORE_TYPE"), "the CA's format");
        String caFile = environment.get("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION");
        assertThat(caFile).as("a file Spring reads the CA from").startsWith("file:/");
        String ca = cluster + "-cluster-ca-cert";
        assertEquals(ca + "/ca.crt", service.secretKeyMountedAt(caFile.substring("file:".length())), "the CA read");
        assertMountsOnlyTheCertificate(service, ca);

        KafkaAccess access = KafkaAccess.ALL.stream()
                .filter(it -> it.user().equals(service.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("KafkaAccess says nothing of " + service));
        GenericKubernetesResource user = onlyOne(
                "KafkaUsers named " + access.user(),
                overlay.custom("KafkaUser").stream()
                        .filter(it -> nameOf(it).equals(access.user()))
                        .toList());
        assertEquals(access.user(), service.secretOf("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"), "its login's Secret");
        assertThat(service.secretKeysRead()).contains(access.user() + "/sasl.jaas.config");
        assertEquals(cluster, user.getMetadata().getLabels().get("strimzi.io/cluster"), "the user's cluster");
        assertThat(granted(user)).as("%s's ACLs", access.user()).hasSameElementsAs(access.acls());
    }

    /** One KafkaUser per service and the audit replay, each allowed exactly what {@link KafkaAccess} says. */
    @ParameterizedTest
    @MethodSource(Kustomizations.EACH_OVERLAY)
    void everyKafkaUserIsOneThatKafkaAccessDeclares(RenderedManifests overlay) {
        Map<String, GenericKubernetesResource> users = new TreeMap<>();
        overlay.custom("KafkaUser").forEach(user -> users.put(nameOf(user), user));
        assertThat(users.keySet())
                .hasSameElementsAs(
                        KafkaAccess.ALL.stream().map(KafkaAccess::user).toList());
        for (KafkaAccess access : KafkaAccess.ALL) {
            assertThat(granted(users.get(access.user())))
                    .as("%s's ACLs", access.user())
                    .hasSameElementsAs(access.acls());
        }
    }

    /** A KafkaUser's ACLs, one per resource and operation, as {@link KafkaAccess.Acl}s. */
    private static List<KafkaAccess.Acl> granted(GenericKubernetesResource user) {
        assertEquals("scram-sha-512", user.get("spec", "authentication", "type"), "its login");
        assertEquals("simple", user.get("spec", "authorization", "type"), "ACLs");
        List<KafkaAccess.Acl> granted = new ArrayList<>();
        List<Map<String, Object>> acls = user.get("spec", "authorization", "acls");
        for (Map<String, Object> acl : acls) {
            @SuppressWarnings("unchecked")
            Map<String, Object> resource = (Map<String, Object>) acl.get("resource");
            assertThat(acl.getOrDefault("type", "allow")).as("ACLs that allow").isEqualTo("allow");
            assertThat(acl.getOrDefault("host", "*")).as("from any host").isEqualTo("*");
            @SuppressWarnings("unchecked")
            List<String> operations = (List<String>) acl.get("operations");
            for (String operation : operations) {
                granted.add(new KafkaAccess.Acl(
                        (String) resource.get("type"),
                        (String) resource.get("name"),
                        (String) resource.getOrDefault("patternType", "literal"),
                        operation));
            }
        }
        return granted;
    }
}
