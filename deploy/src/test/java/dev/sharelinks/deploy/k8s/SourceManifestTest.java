package dev.sharelinks.deploy.k8s;

import static dev.sharelinks.deploy.k8s.Kustomizations.K8S;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks the manifest files of {@code deploy/k8s} as written, with no kustomize: each object and each patch has only
 * the fields of its kind, and every file is named where it should be. These run everywhere; on a machine where apt
 * cannot install kubectl they are what is left of the manifest tests ({@link Kustomizations#SKIP_RENDERED}).
 */
class SourceManifestTest {

    @Test
    void everyObjectAndPatchAsWrittenHasOnlyTheFieldsOfItsKindWithTheirTypes() throws IOException {
        List<String> problems;
        try (Stream<Path> files = manifestFiles()) {
            problems = files.flatMap(SourceManifestTest::documents)
                    .flatMap(document -> FieldCheck.problems(document).stream())
                    .toList();
        }
        assertThat(problems)
                .as("fields the API server or an operator would refuse, or read otherwise")
                .isEmpty();
    }

    /** The check above is only as good as its comparison: prove it sees the mistakes it is there for. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            misspelt field  | apps/v1 | Deployment | {spec: {template: {spec: {containers: [{readinesProbe: {periodSeconds: 5}}]}}}}
            misspelt scalar | apps/v1 | Deployment | {spec: {replica: 2}}
            bad quantity    | apps/v1 | Deployment | {spec: {template: {spec: {containers: [{resources: {limits: {memory: 1MB}}}]}}}}
            unquoted string | v1 | ConfigMap | {data: {DB_PORT: 5432}}
            mistyped value  | v1 | Service | {spec: {ports: [{port: http}]}}
            unknown kind    | app/v1 | Deployment | {spec: {replicas: 1}}
            custom misspelt | kafka.strimzi.io/v1beta2 | KafkaTopic | {spec: {partitons: 3}}
            custom mistyped | postgresql.cnpg.io/v1 | Cluster | {spec: {postgresql: {parameters: {max_connections: 400}}}}
            """)
    void fieldChecksCatchMisspeltFieldsBadQuantitiesUnquotedStringsAndUnknownKinds(
            String mistake, String apiVersion, String kind, String fields) {
        Map<String, Object> object = RenderedManifests.parse(fields);
        object.putAll(Map.of("apiVersion", apiVersion, "kind", kind, "metadata", Map.of("name", "example")));
        assertThat(FieldCheck.problems(object)).as(mistake).isNotEmpty();
    }

    /** kustomize refuses a file that is missing, but deploys nothing of one that no kustomization names. */
    @Test
    void everyFileAKustomizationNamesExistsAndEveryManifestFileIsNamed() throws IOException {
        Set<Path> named = new TreeSet<>();
        for (KustomizationFile kustomization : KustomizationFile.all()) {
            kustomization.files().forEach(named::add);
        }
        assertThat(named)
                .as("files and directories the kustomizations name")
                .allMatch(file -> Files.isRegularFile(file) || Files.isRegularFile(file.resolve("kustomization.yaml")));
        try (Stream<Path> files = manifestFiles()) {
            assertThat(files)
                    .as("files that no kustomization names, never deployed")
                    .allMatch(named::contains);
        }
    }

    /** Every YAML file of the tree but the kustomizations: the objects and the patches. */
    private static Stream<Path> manifestFiles() throws IOException {
        return Files.walk(K8S)
                .filter(file -> file.toString().matches(".*\\.ya?ml") && !file.endsWith("kustomization.yaml"));
    }

    private static Stream<Map<String, Object>> documents(Path file) {
        try {
            return RenderedManifests.parseAll(Files.readString(file)).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
