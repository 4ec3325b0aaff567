package dev.sharelinks.deploy.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One service in one overlay: its rendered Deployment, and the application.yml of the module it runs. */
record DeployedService(RenderedManifests overlay, String name) {

    /** A Spring placeholder, {@code ${NAME}} or {@code ${NAME:default}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::([^}]*))?}");

    Deployment deployment() {
        return overlay.named(Deployment.class, name);
    }

    PodSpec pod() {
        return deployment().getSpec().getTemplate().getSpec();
    }

    Map<String, String> podLabels() {
        return deployment().getSpec().getTemplate().getMetadata().getLabels();
    }

    Container app() {
        return pod().getContainers().get(0);
    }

    /** The number of a container port, which a Service or a policy names by number or by name. */
    Integer port(IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        var named = app().getPorts().stream()
                .filter(candidate -> port.getStrVal().equals(candidate.getName()))
                .findFirst();
        return named.orElseThrow(() -> new AssertionError(this + " has no container port " + port.getStrVal()))
                .getContainerPort();
    }

    /** The app's environment variables and their values: its ConfigMaps' keys, then its env entries. */
    Map<String, String> environment() {
        Map<String, String> environment = new TreeMap<>();
        for (var imported : app().getEnvFrom()) {
            if (imported.getConfigMapRef() != null) {
                environment.putAll(overlay.named(
                                ConfigMap.class, imported.getConfigMapRef().getName())
                        .getData());
            }
        }
        app().getEnv().forEach(variable -> environment.put(variable.getName(), variable.getValue()));
        return environment;
    }

    /** The Secret keys the app reads: by secretKeyRef, and as files its variables name under /etc/sharelinks. */
    Set<String> secretKeysRead() {
        Set<String> keys = new TreeSet<>();
        app().getEnv().stream()
                .map(variable -> variable.getValueFrom() == null
                        ? null
                        : variable.getValueFrom().getSecretKeyRef())
                .filter(Objects::nonNull)
                .forEach(reference -> keys.add(reference.getName() + "/" + reference.getKey()));
        environment().values().stream()
                // a Spring resource location names its file after file:
                .map(value -> value != null && value.startsWith("file:") ? value.substring("file:".length()) : value)
                .filter(value -> value != null && value.startsWith("/etc/sharelinks/"))
                .forEach(file -> keys.add(secretKeyMountedAt(file)));
        return keys;
    }

    /** The Secret that a variable is read from. */
    String secretOf(String variable) {
        var reference = app().getEnv().stream()
                .filter(env -> env.getName().equals(variable) && env.getValueFrom() != null)
                .map(env -> env.getValueFrom().getSecretKeyRef())
                .filter(Objects::nonNull)
                .findFirst();
        return reference
                .orElseThrow(() -> new AssertionError(this + " reads " + variable + " from no Secret"))
                .getName();
    }

    /**
     * The Secret key a file of a mounted Secret holds, as {@code <Secret>/<key>}: the file's name is the key, or an
     * item's path that the volume maps a key to.
     */
    String secretKeyMountedAt(String file) {
        for (var mount : app().getVolumeMounts()) {
            String directory = mount.getMountPath() + "/";
            var volume = pod().getVolumes().stream()
                    .filter(it -> it.getName().equals(mount.getName()) && it.getSecret() != null)
                    .findFirst();
            if (file.startsWith(directory) && volume.isPresent()) {
                var secret = volume.get().getSecret();
                String name = file.substring(directory.length());
                String key = secret.getItems().isEmpty()
                        ? name
                        : secret.getItems().stream()
                                .filter(item -> item.getPath().equals(name))
                                .map(item -> item.getKey())
                                .findFirst()
                                .orElseThrow(() ->
                                        new AssertionError(this + ": no item of " + mount.getName() + " at " + file));
                return secret.getSecretName() + "/" + key;
            }
        }
        throw new AssertionError(this + ": no Secret is mounted where " + file + " is read");
    }

    String applicationYml() throws IOException {
        return Files.readString(Path.of("..", name, "src/main/resources/application.yml"));
    }

    /** The environment variables that application.yml reads, by its placeholders. */
    Set<String> variablesRead() throws IOException {
        return PLACEHOLDER
                .matcher(applicationYml())
                .results()
                .map(read -> read.group(1))
                .collect(Collectors.toSet());
    }

    /** A setting of application.yml as written, its placeholders replaced by their defaults; null when unset. */
    String appSetting(String dottedPath) throws IOException {
        Object value = RenderedManifests.leaves(RenderedManifests.parse(applicationYml()))
                .get(dottedPath);
        return value == null ? null : PLACEHOLDER.matcher(value.toString()).replaceAll("$2");
    }

    @Override
    public String toString() {
        return overlay + " " + name;
    }
}
