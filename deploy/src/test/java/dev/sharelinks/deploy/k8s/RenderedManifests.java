package dev.sharelinks.deploy.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the real kustomize ({@code kubectl kustomize}) renders of a kustomization directory: each object as rendered
 * and as fabric8 reads it (a custom resource it has no model for as a GenericKubernetesResource).
 */
record RenderedManifests(
        Path directory,
        KustomizationFile kustomization,
        List<Map<String, Object>> documents,
        List<HasMetadata> objects) {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static RenderedManifests of(Path directory) throws IOException {
        Process kubectl = kustomize(directory);
        // read apart, so that neither pipe fills while the other is read
        var errors = CompletableFuture.supplyAsync(() -> readAll(kubectl.getErrorStream()));
        String rendered = readAll(kubectl.getInputStream());
        if (kubectl.onExit().join().exitValue() != 0) {
            throw new AssertionError("kubectl kustomize " + directory + " failed: " + errors.join());
        }
        var documents = parseAll(rendered);
        var objects = documents.stream()
                .map(document -> (HasMetadata) SERIALIZATION.convertValue(document, KubernetesResource.class))
                .toList();
        return new RenderedManifests(directory, KustomizationFile.of(directory), documents, objects);
    }

    private static Process kustomize(Path directory) throws IOException {
        try {
            return new ProcessBuilder("kubectl", "kustomize", directory.toString()).start();
        } catch (IOException e) {
            throw new IOException("the manifest test renders with kubectl: apt-get install kubectl", e);
        }
    }

    private static String readAll(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T named(Class<T> type, String name) {
        var found = all(type).stream()
                .filter(object -> name.equals(object.getMetadata().getName()))
                .findFirst();
        return found.orElseThrow(() -> new AssertionError(this + " renders no " + type.getSimpleName() + " " + name));
    }

    /** The objects of a custom resource kind that fabric8 has no model for, such as Strimzi's KafkaTopic. */
    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream()
                .filter(object -> object.getKind().equals(kind))
                .toList();
    }

    /** The Deployments whose pods a label selector selects, by its matchLabels and matchExpressions. */
    List<String> deploymentsSelectedBy(LabelSelector selector) {
        return all(Deployment.class).stream()
                .filter(deployment -> {
                    var labels =
                            deployment.getSpec().getTemplate().getMetadata().getLabels();
                    return labels.entrySet()
                                    .containsAll(selector.getMatchLabels().entrySet())
                            && selector.getMatchExpressions().stream().allMatch(it -> meets(it, labels));
                })
                .map(deployment -> deployment.getMetadata().getName())
                .toList();
    }

    private static boolean meets(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        return switch (requirement.getOperator()) {
            case "In" -> requirement.getValues().contains(value);
            case "NotIn" -> !requirement.getValues().contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new AssertionError("no label selector operator " + requirement.getOperator());
        };
    }

    /** The value that a ConfigMap gives a key. */
    String setting(String key) {
        var found = all(ConfigMap.class).stream()
                .filter(map -> map.getData().containsKey(key))
                .findFirst();
        return found.orElseThrow(() -> new AssertionError(this + ": no ConfigMap sets " + key))
                .getData()
                .get(key);
    }

    @Override
    public String toString() {
        return directory.toString();
    }

    /** YAML 1.1, as kubectl and the API server read it: an unquoted {@code on} is a boolean there too. */
    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    static Map<String, Object> parse(String yaml) {
        return asMap(yaml().load(yaml));
    }

    /** Each document of a multi-document YAML text; an empty one (a trailing {@code ---}) is none. */
    static List<Map<String, Object>> parseAll(String yaml) {
        return StreamSupport.stream(yaml().loadAll(yaml).spliterator(), false)
                .filter(Objects::nonNull)
                .map(RenderedManifests::asMap)
                .toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object yaml) {
        if (yaml instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new AssertionError("not a YAML mapping: " + yaml);
    }

    /** Every scalar of a YAML tree by its path, such as {@code spec.template.spec.containers[0].name}. */
    static Map<String, Object> leaves(Object tree) {
        Map<String, Object> leaves = new LinkedHashMap<>();
        addLeaves(tree, "", leaves);
        return leaves;
    }

    /** An empty mapping is a leaf too, such as {@code emptyDir: {}}; an empty list is none, as fabric8 omits it. */
    private static void addLeaves(Object node, String path, Map<String, Object> leaves) {
        if (node instanceof Map<?, ?> map && !map.isEmpty()) {
            map.forEach((key, value) -> addLeaves(value, path.isEmpty() ? "" + key : path + "." + key, leaves));
        } else if (node instanceof List<?> list) {
            for (int index = 0; index < list.size(); index++) {
                addLeaves(list.get(index), path + "[" + index + "]", leaves);
            }
        } else if (node != null) {
            leaves.put(path, node);
        }
    }
}
