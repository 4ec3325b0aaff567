package dev.sharelinks.deploy.k8s;

import static dev.sharelinks.deploy.k8s.Kustomizations.K8S;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/** A {@code kustomization.yaml} as written: the files it names and the targets of its patches. */
record KustomizationFile(Path directory, Map<String, Object> fields) {

    static KustomizationFile of(Path directory) {
        try {
            return new KustomizationFile(
                    directory, RenderedManifests.parse(Files.readString(directory.resolve("kustomization.yaml"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base and every overlay, by their directories' names. */
    static List<KustomizationFile> all() {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(file -> file.endsWith("kustomization.yaml"))
                    .map(file -> of(file.getParent()))
                    .sorted(Comparator.comparing(KustomizationFile::directory))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files it names, as resources (a directory being another kustomization) or patches. */
    Stream<Path> files() {
        var patches = list("patches").stream()
                .map(patch -> RenderedManifests.asMap(patch).get("path"));
        return Stream.concat(list("resources").stream(), patches)
                .map(file -> directory.resolve((String) file).normalize());
    }

    /** The targets of the patches that have one; kustomize applies a patch without one by its kind and name. */
    List<PatchTarget> patchTargets() {
        return list("patches").stream()
                .map(patch -> RenderedManifests.asMap(patch).get("target"))
                .filter(Objects::nonNull)
                .map(RenderedManifests::asMap)
                .map(target -> new PatchTarget(
                        (String) target.get("kind"), (String) target.get("name"), (String) target.get("labelSelector")))
                .toList();
    }

    private List<Object> list(String field) {
        return fields.get(field) instanceof List<?> list ? List.copyOf(list) : List.of();
    }

    @Override
    public String toString() {
        return directory.toString();
    }

    /**
     * A patch target as kustomize reads it; of a labelSelector, only the comma-separated {@code key=value} pairs
     * used here are understood (another form matches nothing, so the test says so rather than passing).
     */
    record PatchTarget(String kind, String name, String labelSelector) {

        boolean matches(HasMetadata object) {
            var labels = Objects.requireNonNullElse(object.getMetadata().getLabels(), Map.<String, String>of());
            var pairs = labels.entrySet().stream()
                    .map(label -> label.getKey() + "=" + label.getValue())
                    .toList();
            return (kind == null || kind.equals(object.getKind()))
                    && (name == null || name.equals(object.getMetadata().getName()))
                    && (labelSelector == null || pairs.containsAll(List.of(labelSelector.split(","))));
        }
    }
}
