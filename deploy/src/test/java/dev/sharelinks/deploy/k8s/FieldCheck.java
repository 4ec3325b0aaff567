package dev.sharelinks.deploy.k8s;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the API server or an operator would refuse in an object, or read otherwise than it is written: each scalar of
 * the object must come back, of the same type, from fabric8's model of its kind (for the custom resources fabric8
 * has no model for, from {@link #CUSTOM_RESOURCE_FIELDS}).
 */
final class FieldCheck {

    /**
     * Reads as fabric8 does, but writes back only the fields of its model: fabric8 keeps any other field, a misspelt
     * one too, in {@code additionalProperties}, and would otherwise write it back as it came.
     */
    private static final KubernetesSerialization KNOWN_FIELDS_ONLY = new KubernetesSerialization(
            JsonMapper.builder()
                    .annotationIntrospector(new JacksonAnnotationIntrospector() {
                        @Override
                        public Boolean hasAnyGetter(MapperConfig<?> config, Annotated annotated) {
                            return false;
                        }
                    })
                    .build(),
            true);

    /**
     * The fields used here of the custom resources that fabric8 has no model for, typed as in their operators' CRDs
     * ({@code *}: any key). Any other field is refused: add it here once its CRD says it exists.
     */
    private static final Map<String, String> CUSTOM_RESOURCE_FIELDS = Map.ofEntries(
            Map.entry("kafka.strimzi.io/v1beta2 KafkaTopic spec.partitions", "Integer"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaTopic spec.replicas", "Integer"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaTopic spec.topicName", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaTopic spec.config.*", "String Integer Boolean"),
            Map.entry("kafka.strimzi.io/v1beta2 Kafka spec.kafka.listeners[].name", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 Kafka spec.kafka.listeners[].port", "Integer"),
            Map.entry("kafka.strimzi.io/v1beta2 Kafka spec.kafka.listeners[].type", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 Kafka spec.kafka.listeners[].tls", "Boolean"),
            Map.entry("kafka.strimzi.io/v1beta2 Kafka spec.kafka.listeners[].authentication.type", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 Kafka spec.kafka.authorization.type", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 Kafka spec.kafka.config.*", "String Integer Boolean"),
            Map.entry("kafka.strimzi.io/v1beta2 Kafka spec.entityOperator.topicOperator", "Map"),
            Map.entry("kafka.strimzi.io/v1beta2 Kafka spec.entityOperator.userOperator", "Map"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaNodePool spec.replicas", "Integer"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaNodePool spec.roles[]", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaNodePool spec.storage.type", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaNodePool spec.storage.volumes[].id", "Integer"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaNodePool spec.storage.volumes[].type", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaNodePool spec.storage.volumes[].size", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaNodePool spec.storage.volumes[].deleteClaim", "Boolean"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaNodePool spec.storage.volumes[].kraftMetadata", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaUser spec.authentication.type", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaUser spec.authorization.type", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaUser spec.authorization.acls[].resource.type", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaUser spec.authorization.acls[].resource.name", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaUser spec.authorization.acls[].resource.patternType", "String"),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaUser spec.authorization.acls[].operations[]", "String"),
            Map.entry("postgresql.cnpg.io/v1 Cluster spec.instances", "Integer"),
            Map.entry("postgresql.cnpg.io/v1 Cluster spec.storage.size", "String"),
            // strings in the CRD: max_connections: 400 would be refused
            Map.entry("postgresql.cnpg.io/v1 Cluster spec.postgresql.parameters.*", "String"),
            Map.entry("postgresql.cnpg.io/v1 Cluster spec.bootstrap.initdb.database", "String"),
            Map.entry("postgresql.cnpg.io/v1 Cluster spec.bootstrap.initdb.owner", "String"),
            Map.entry("postgresql.cnpg.io/v1 Cluster spec.bootstrap.initdb.postInitApplicationSQL[]", "String"),
            Map.entry("postgresql.cnpg.io/v1 Cluster spec.managed.roles[].name", "String"),
            Map.entry("postgresql.cnpg.io/v1 Cluster spec.managed.roles[].ensure", "String"),
            Map.entry("postgresql.cnpg.io/v1 Cluster spec.managed.roles[].login", "Boolean"),
            Map.entry("postgresql.cnpg.io/v1 Cluster spec.managed.roles[].passwordSecret.name", "String"));

    /** Where a Kubernetes quantity is expected: a string fabric8 keeps as it is, unchecked. */
    private static final String QUANTITY = ".*\\.(requests|limits)\\.[^.]+|.*\\.sizeLimit|spec\\.storage\\.size";

    private FieldCheck() {}

    static List<String> problems(Map<String, Object> object) {
        String kind = object.get("apiVersion") + " " + object.get("kind");
        Map<String, Object> written = RenderedManifests.leaves(object);
        String name = kind + " " + written.get("metadata.name");
        Map<String, Object> read;
        try {
            var model = KNOWN_FIELDS_ONLY.convertValue(object, KubernetesResource.class);
            read = RenderedManifests.leaves(KNOWN_FIELDS_ONLY.convertValue(model, Map.class));
        } catch (RuntimeException e) {
            return List.of(name + " is not readable: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        written.forEach((path, value) -> {
            String field =
                    kind + " " + path.replaceAll("\\[\\d+]", "[]").replaceFirst("(config|parameters)\\..*", "$1.*");
            String type = read.containsKey(path) ? typeOf(read.get(path)) : CUSTOM_RESOURCE_FIELDS.get(field);
            if (type == null) {
                problems.add(name + ": " + path + " is no field of " + kind);
            } else if (!type.contains(typeOf(value))) {
                problems.add(name + ": " + path + " is " + typeOf(value) + " " + value + ", not " + type);
            } else if (path.matches(QUANTITY) && !isQuantity(value.toString())) {
                problems.add(name + ": " + path + " is no quantity: " + value);
            }
        });
        return problems;
    }

    private static boolean isQuantity(String value) {
        try {
            Quantity.parse(value).getNumericalAmount();
            return true;
        } catch (RuntimeException notAQuantity) {
            return false;
        }
    }

    private static String typeOf(Object value) {
        return value instanceof Long
                ? "Integer"
                : value instanceof Map ? "Map" : value.getClass().getSimpleName();
    }
}
