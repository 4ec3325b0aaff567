package dev.sharelinks.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Every kustomization of {@code deploy/k8s} as the real kustomize renders it, once per test JVM, for the manifest
 * tests to share; and the lookups they have in common.
 */
final class Kustomizations {

    static final Path K8S = Path.of("k8s");
    /** The Deployments, named like the modules whose application.yml and jar they run. */
    static final List<String> SERVICES = List.of("link-api", "token-api", "download-redirector", "mailer-service");

    /**
     * Set to {@code true} by .ci/run alone, on a machine where apt cannot install kubectl: the tests of what kustomize
     * renders are skipped, and {@link SourceManifestTest} checks the files as written.
     */
    static final String SKIP_RENDERED = "SHARELINKS_SKIP_RENDERED_MANIFESTS";

    static final String SKIPPED_WITHOUT_KUBECTL = "no kubectl on this machine, and apt has none to install";

    /** A {@code @MethodSource} of every overlay. */
    static final String EACH_OVERLAY = "dev.sharelinks.deploy.k8s.Kustomizations#overlays";
    /** A {@code @MethodSource} of every service in every overlay. */
    static final String EACH_SERVICE = "dev.sharelinks.deploy.k8s.Kustomizations#services";

    private Kustomizations() {}

    /** Rendered on first use: a class's initialization runs once and is safely published. */
    private static final class Rendered {
        static final List<RenderedManifests> ALL = renderAll();

        private static List<RenderedManifests> renderAll() {
            List<RenderedManifests> rendered = new ArrayList<>();
            for (KustomizationFile kustomization : KustomizationFile.all()) {
                try {
                    rendered.add(RenderedManifests.of(kustomization.directory()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return List.copyOf(rendered);
        }
    }

    /** The base and every overlay. */
    static List<RenderedManifests> all() {
        return Rendered.ALL;
    }

    /** What deploys: the base has no namespace and no image tags. */
    static Stream<RenderedManifests> overlays() {
        return all().stream().filter(it -> it.directory().startsWith(K8S.resolve("overlays")));
    }

    static Stream<DeployedService> services() {
        return overlays().flatMap(overlay -> SERVICES.stream().map(name -> new DeployedService(overlay, name)));
    }

    /** {@code <Secret>/<key>} to its documented example value, as secrets.example.env lists them. */
    static Properties documentedSecretKeys() throws IOException {
        Properties keys = new Properties();
        keys.load(new StringReader(Files.readString(K8S.resolve("base/secrets.example.env"))));
        return keys;
    }

    /** The Strimzi cluster the services' bootstrap address names, which must be its TLS and SCRAM listener's. */
    static String kafkaCluster(RenderedManifests overlay) {
        String bootstrap = overlay.setting("KAFKA_BOOTSTRAP");
        assertThat(bootstrap)
                .as("the cluster's listener with TLS and SCRAM logins")
                .endsWith("-kafka-bootstrap:9093");
        return bootstrap.replaceFirst("-kafka-bootstrap:.*", "");
    }

    /** Of an operator's CA Secret, the service mounts the certificate ({@code ca.crt}), never the key. */
    static void assertMountsOnlyTheCertificate(DeployedService service, String ca) {
        var caVolume = service.pod().getVolumes().stream()
                .filter(volume -> volume.getSecret() != null
                        && volume.getSecret().getSecretName().equals(ca));
        assertThat(onlyOne("volumes of " + ca, caVolume.toList()).getSecret().getItems())
                .as("what of %s is mounted: its certificate, never its key", ca)
                .map(KeyToPath::getKey)
                .containsExactly("ca.crt");
    }

    static String nameOf(HasMetadata object) {
        return object.getMetadata().getName();
    }

    static <T> T onlyOne(String what, List<T> items) {
        assertThat(items).as(what).hasSize(1);
        return items.get(0);
    }
}
