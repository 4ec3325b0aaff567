package dev.sharelinks.deploy.k8s;

import static dev.sharelinks.deploy.k8s.Kustomizations.SERVICES;
import static dev.sharelinks.deploy.k8s.Kustomizations.assertMountsOnlyTheCertificate;
import static dev.sharelinks.deploy.k8s.Kustomizations.documentedSecretKeys;
import static dev.sharelinks.deploy.k8s.Kustomizations.kafkaCluster;
import static dev.sharelinks.deploy.k8s.Kustomizations.nameOf;
import static dev.sharelinks.deploy.k8s.Kustomizations.onlyOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.convert.DurationStyle;

/**
 * Checks what the real kustomize renders of each kustomization of {@code deploy/k8s}, where a cluster would tell only
 * at deploy time or never: misspelt or mistyped fields, and references that do not meet between the objects, the
 * services' application.yml, the Dockerfile and secrets.example.env. The route and network policies are checked in
 * {@link RouteManifestTest}, the Kafka cluster, topics and users in {@link KafkaManifestTest}.
 */
@DisabledIfEnvironmentVariable(
        named = Kustomizations.SKIP_RENDERED,
        matches = "true",
        disabledReason = Kustomizations.SKIPPED_WITHOUT_KUBECTL)
class ManifestTest {

    private static final String AUTOSCALED = "download-redirector";
    /** Read by no placeholder: Spring's relaxed binding maps it to sharelinks.kafka.create-topics (messaging). */
    private static final String SET_BY_RELAXED_BINDING = "SHARELINKS_KAFKA_CREATE_TOPICS";
    /** Spring Boot's own Kafka settings, which its relaxed binding reads from these variables. */
    private static final List<String> SPRING_KAFKA_SECURITY = List.of(
            "SPRING_KAFKA_SECURITY_PROTOCOL",
            "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM",
            "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
            "SPRING_KAFKA_SSL_TRUST_STORE_TYPE",
            "SPRING_KAFKA_SSL_TRUST_STORE_LOCATION");

    // ---------------------------------------------------------------------------------------- fields and files

    @ParameterizedTest
    @MethodSource(Kustomizations.EACH_OVERLAY)
    void everyObjectHasOnlyTheFieldsOfItsKindWithTheirTypes(RenderedManifests overlay) {
        assertThat(overlay.documents().stream().flatMap(object -> FieldCheck.problems(object).stream()))
                .as("%s: fields the API server or an operator would refuse, or read otherwise", overlay)
                .isEmpty();
    }

    /** kustomize refuses an untargeted patch that matches nothing, but applies a targeted one to nothing silently. */
    @Test
    void everyTargetedPatchAppliesToARenderedObject() {
        for (RenderedManifests rendered : Kustomizations.all()) {
            for (var target : rendered.kustomization().patchTargets()) {
                assertThat(rendered.objects())
                        .as("%s: objects the patch target %s matches", rendered, target)
                        .anyMatch(target::matches);
            }
        }
    }

    // ---------------------------------------------------------------------------- each service in each overlay

    @ParameterizedTest
    @MethodSource(Kustomizations.EACH_SERVICE)
    void theDeploymentRunsTheAppOnItsPortsWithItsProbesAndVariables(DeployedService service) throws IOException {
        Container app = service.app();
        assertThat(service.pod().getContainers()).map(Container::getName).containsExactly("app");
        Integer http = service.port(new IntOrString("http"));
        Integer management = service.port(new IntOrString("management"));
        assertEquals(service.appSetting("server.port"), "" + http, "port http, application.yml's server.port");
        assertEquals(service.appSetting("management.server.port"), "" + management, "port management");
        assertNotEquals(http, management, "port management, apart from http");
        var pods = service.deployment().getSpec().getTemplate().getMetadata();
        assertEquals("" + management, pods.getAnnotations().get("prometheus.io/port"), "Prometheus scrapes management");
        var kubernetesService =
                service.overlay().named(Service.class, service.name()).getSpec();
        assertThat(kubernetesService.getSelector()).as("the Service's selector").isNotEmpty();
        assertThat(pods.getLabels()).as("pod labels").containsAllEntriesOf(kubernetesService.getSelector());
        var targets = kubernetesService.getPorts().stream()
                .map(port -> service.port(port.getTargetPort()))
                .toList();
        assertThat(targets)
                .as("the container ports the Service targets: http (%s), never management (%s)", http, management)
                .contains(http)
                .doesNotContain(management);

        assertEquals("true", service.appSetting("management.endpoint.health.probes.enabled"), "probe groups on");
        String liveness = "GET /actuator/health/liveness on management";
        assertEquals(liveness, describe(app.getStartupProbe()), "startup probe");
        assertEquals(liveness, describe(app.getLivenessProbe()), "liveness probe");
        assertEquals("GET /actuator/health/readiness on management", describe(app.getReadinessProbe()), "readiness");

        Map<String, String> environment = service.environment();
        assertThat(environment.get("PORT")).as("PORT").isIn(null, "" + http);
        assertThat(environment.get("MANAGEMENT_PORT")).as("MANAGEMENT_PORT").isIn(null, "" + management);
        environment.keySet().removeAll(service.variablesRead());
        environment.keySet().removeAll(SPRING_KAFKA_SECURITY);
        assertThat(environment.keySet())
                .as("variables application.yml never reads")
                .isSubsetOf(SET_BY_RELAXED_BINDING);
    }

    @ParameterizedTest
    @MethodSource(Kustomizations.EACH_SERVICE)
    void podsStopGracefullyAndRunThePinnedImageAsItsNonRootUserOnAReadOnlyFilesystem(DeployedService service)
            throws IOException {
        Container app = service.app();
        assertEquals("graceful", service.appSetting("server.shutdown"), "server.shutdown");
        var preStop = app.getLifecycle() == null ? null : app.getLifecycle().getPreStop();
        List<String> command = preStop == null || preStop.getExec() == null
                ? List.of()
                : preStop.getExec().getCommand();
        assertThat(command).as("preStop").hasSize(2).startsWith("sleep");
        long pause = Long.parseLong(command.get(1));
        assertThat(pause).as("a short preStop pause").isBetween(1L, 10L);
        // 30s: Spring's default
        String phase =
                Objects.requireNonNullElse(service.appSetting("spring.lifecycle.timeout-per-shutdown-phase"), "30s");
        assertThat(service.pod().getTerminationGracePeriodSeconds())
                .as("terminationGracePeriodSeconds, beyond the preStop pause and Spring's shutdown phase (%s)", phase)
                .isGreaterThan(pause + DurationStyle.detectAndParse(phase).toSeconds());

        var pod = service.pod().getSecurityContext();
        assertThat(pod).as("the pod's securityContext").hasFieldOrPropertyWithValue("runAsNonRoot", true);
        assertThat(app.getSecurityContext())
                .as("the app's securityContext")
                .hasFieldOrPropertyWithValue("readOnlyRootFilesystem", true)
                .hasFieldOrPropertyWithValue("allowPrivilegeEscalation", false);
        var tmp = onlyOne(
                "mounts on /tmp",
                app.getVolumeMounts().stream()
                        .filter(it -> it.getMountPath().equals("/tmp"))
                        .toList());
        var emptyDirs = service.pod().getVolumes().stream().filter(volume -> volume.getEmptyDir() != null);
        assertThat(emptyDirs.map(volume -> volume.getName()))
                .as("an emptyDir on /tmp")
                .contains(tmp.getName());

        assertEquals(service.name(), app.getImage().replaceAll(".*/|[:@].*", ""), "the image's name");
        // a tag other than latest, or a digest
        assertThat(app.getImage()).as("image pinned").matches(".*(:(?!latest$)[^/:@]+|@sha256:[0-9a-f]{64})");
        assertThat(Path.of("docker/Dockerfile"))
                .as("the image's user")
                .content()
                .contains("USER " + pod.getRunAsUser() + ":");
    }

    @ParameterizedTest
    @MethodSource(Kustomizations.EACH_SERVICE)
    void theServiceLogsIntoTheDatabaseAsARoleOwningItsSchema(DeployedService service) throws IOException {
        GenericKubernetesResource cluster =
                onlyOne("database clusters", service.overlay().custom("Cluster"));
        assertEquals(nameOf(cluster) + "-rw", service.overlay().setting("DB_HOST"), "DB_HOST");
        assertEquals(
                cluster.get("spec", "bootstrap", "initdb", "database"),
                service.overlay().setting("DB_NAME"),
                "DB_NAME");
        String secret = service.secretOf("DB_USER");
        assertEquals(secret, service.secretOf("DB_PASSWORD"), "the Secret of DB_PASSWORD");
        List<Map<String, Object>> roles = cluster.get("spec", "managed", "roles");
        var role = roles.stream()
                .filter(it -> Map.of("name", secret).equals(it.get("passwordSecret")))
                .toList();
        Object login = onlyOne("roles with the password of " + secret, role).get("name");
        assertEquals(documentedSecretKeys().getProperty(secret + "/username"), login, "login, as documented");
        String schema = service.appSetting("spring.flyway.schemas");
        List<String> bootstrap = cluster.get("spec", "bootstrap", "initdb", "postInitApplicationSQL");
        assertThat(bootstrap).contains("CREATE SCHEMA " + schema + " AUTHORIZATION " + login);

        var environment = service.environment();
        assertEquals("verify-full", environment.get("DB_SSL_MODE"), "DB_SSL_MODE: TLS, the server's name verified");
        String ca = nameOf(cluster) + "-ca";
        assertEquals(ca + "/ca.crt", service.secretKeyMountedAt(environment.get("DB_SSL_ROOT_CERT")), "the CA read");
        assertMountsOnlyTheCertificate(service, ca);
    }

    @Test
    void theImageIsBuiltFromEachServicesJarAndEveryServiceBindsTheMessagingModulesKafkaSettings() {
        assertThat(Path.of("docker/Dockerfile"))
                .content()
                .contains(
                        "FROM eclipse-temurin:17-jre",
                        "ARG SERVICE",
                        "COPY target/${SERVICE}-*-exec.jar",
                        "-Djarmode=tools");
        for (String service : SERVICES) {
            assertThat(Path.of("..", service, "pom.xml")).content().contains("<artifactId>messaging</artifactId>");
        }
        assertThat(Path.of("../messaging/src/main/java/dev/sharelinks/messaging/kafka/SharelinksKafkaProperties.java"))
                .as("what %s binds to", SET_BY_RELAXED_BINDING)
                .content()
                .contains("@ConfigurationProperties(\"sharelinks.kafka\")", "boolean createTopics");
    }

    // ---------------------------------------------------------------------------------------- each overlay

    @ParameterizedTest
    @MethodSource(Kustomizations.EACH_OVERLAY)
    void eachServiceIsOneDeploymentReadingOnlyTheDocumentedSecretKeys(RenderedManifests overlay) throws IOException {
        assertThat(overlay.all(Deployment.class)).map(Kustomizations::nameOf).hasSameElementsAs(SERVICES);
        Set<String> read = new TreeSet<>();
        for (var service : SERVICES.stream()
                .map(name -> new DeployedService(overlay, name))
                .toList()) {
            Set<String> keys = service.secretKeysRead();
            var mounted = service.pod().getVolumes().stream().filter(volume -> volume.getSecret() != null);
            assertThat(mounted.map(volume -> volume.getSecret().getSecretName()))
                    .as("%s: Secrets mounted, each read by a variable", service)
                    .allMatch(secret -> keys.stream().anyMatch(key -> key.startsWith(secret + "/")));
            assertThat(service.app().getEnvFrom())
                    .as("no envFrom of a Secret: it would hide which keys a service needs")
                    .allMatch(source -> source.getSecretRef() == null);
            read.addAll(keys);
        }
        // CloudNativePG creates the database cluster's CA Secret, Strimzi the Kafka cluster's and one per KafkaUser;
        // every other Secret is the operator's to create
        read.remove(nameOf(onlyOne("database clusters", overlay.custom("Cluster"))) + "-ca/ca.crt");
        read.remove(kafkaCluster(overlay) + "-cluster-ca-cert/ca.crt");
        overlay.custom("KafkaUser").forEach(user -> read.remove(nameOf(user) + "/sasl.jaas.config"));
        assertThat(read)
                .as("Secret keys read, as documented in secrets.example.env")
                .hasSameElementsAs(documentedSecretKeys().stringPropertyNames());
    }

    /**
     * A lost redirector's leased downloads come back at the lease's lifetime plus its expiry grace, which must stay
     * short; a lifetime must stay below the time a redeem waits for another replica's lease to end (4 s).
     */
    @ParameterizedTest
    @MethodSource(Kustomizations.EACH_OVERLAY)
    void theAutoscalerAloneScalesTheRedirectorWithinItsBudgetAndLostLeasesComeBackWithinHalfAMinute(
            RenderedManifests overlay) {
        var autoscaler = onlyOne("autoscalers", overlay.all(HorizontalPodAutoscaler.class))
                .getSpec();
        var redirector = new CrossVersionObjectReference("apps/v1", "Deployment", AUTOSCALED);
        assertEquals(redirector, autoscaler.getScaleTargetRef(), "what the autoscaler scales");
        assertThat(autoscaler.getMinReplicas()).isPositive().isLessThanOrEqualTo(autoscaler.getMaxReplicas());
        assertNull(overlay.named(Deployment.class, AUTOSCALED).getSpec().getReplicas(), "the redirector's replicas");
        LabelSelector budget = onlyOne("disruption budgets", overlay.all(PodDisruptionBudget.class))
                .getSpec()
                .getSelector();
        assertEquals(List.of(AUTOSCALED), overlay.deploymentsSelectedBy(budget), "what the disruption budget covers");

        assertEquals("true", overlay.setting("REDEEM_LEASES"), "REDEEM_LEASES");
        Duration lifetime = DurationStyle.detectAndParse(overlay.setting("REDEEM_LEASE_LIFETIME"));
        Duration grace = DurationStyle.detectAndParse(overlay.setting("REDEEM_LEASE_EXPIRY_GRACE"));
        assertThat(lifetime).isPositive().isLessThan(Duration.ofMillis(3500));
        assertThat(lifetime.plus(grace)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(Integer.parseInt(overlay.setting("REDEEM_LEASE_MIN_REMAINING")))
                .as("REDEEM_LEASE_MIN_REMAINING: a small limit is never leased")
                .isGreaterThanOrEqualTo(100);
    }

    private static String describe(Probe probe) {
        var get = probe == null ? null : probe.getHttpGet();
        return get == null
                ? null
                : "GET " + get.getPath() + " on " + get.getPort().getStrVal();
    }
}
