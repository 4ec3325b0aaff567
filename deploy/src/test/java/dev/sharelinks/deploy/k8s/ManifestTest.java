package dev.sharelinks.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sharelinks.events.KafkaAccess;
import dev.sharelinks.events.Topics;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders each kustomization of {@code deploy/k8s} with the real kustomize and checks what it renders, where a cluster
 * would tell only at deploy time or never: misspelt or mistyped fields, and references that do not meet between the
 * objects, the services' application.yml, the Dockerfile, secrets.example.env and {@link Topics}.
 */
class ManifestTest {

    private static final Path K8S = Path.of("k8s");
    /** The Deployments, named like the modules whose application.yml and jar they run. */
    private static final List<String> SERVICES =
            List.of("link-api", "token-api", "download-redirector", "mailer-service");

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

    private static List<RenderedManifests> kustomizations = List.of();

    @BeforeAll
    static void renderEveryKustomization() throws IOException {
        List<RenderedManifests> rendered = new ArrayList<>();
        try (Stream<Path> files = Files.walk(K8S)) {
            for (Path file : files.filter(file -> file.endsWith("kustomization.yaml"))
                    .sorted()
                    .toList()) {
                rendered.add(RenderedManifests.of(file.getParent()));
            }
        }
        kustomizations = rendered;
    }

    /** What deploys: the base has no namespace and no image tags. */
    static Stream<RenderedManifests> overlays() {
        return kustomizations.stream().filter(it -> it.directory().startsWith(K8S.resolve("overlays")));
    }

    static Stream<DeployedService> services() {
        return overlays().flatMap(overlay -> SERVICES.stream().map(name -> new DeployedService(overlay, name)));
    }

    // ---------------------------------------------------------------------------------------- fields and files

    @ParameterizedTest
    @MethodSource("overlays")
    void everyObjectHasOnlyTheFieldsOfItsKindWithTheirTypes(RenderedManifests overlay) {
        assertThat(overlay.documents().stream().flatMap(object -> FieldCheck.problems(object).stream()))
                .as("%s: fields the API server or an operator would refuse, or read otherwise", overlay)
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

    /** kustomize refuses a missing file and an untargeted patch that matches nothing, but not these. */
    @Test
    void everyManifestFileIsDeployedAndEveryTargetedPatchAppliesToARenderedObject() throws IOException {
        Set<Path> named = new TreeSet<>();
        for (RenderedManifests rendered : kustomizations) {
            rendered.files().forEach(named::add);
            for (var target : rendered.patchTargets()) {
                assertThat(rendered.objects())
                        .as("%s: objects the patch target %s matches", rendered, target)
                        .anyMatch(target::matches);
            }
        }
        try (Stream<Path> files = Files.walk(K8S)) {
            assertThat(files.filter(
                            file -> file.toString().matches(".*\\.ya?ml") && !file.endsWith("kustomization.yaml")))
                    .as("files that no kustomization names, never deployed")
                    .allMatch(named::contains);
        }
    }

    // ---------------------------------------------------------------------------- each service in each overlay

    @ParameterizedTest
    @MethodSource("services")
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
    @MethodSource("services")
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
                .isGreaterThan(pause + springDuration(phase).toSeconds());

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
    @MethodSource("services")
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

    /** Of an operator's CA Secret, the service mounts the certificate ({@code ca.crt}), never the key. */
    private static void assertMountsOnlyTheCertificate(DeployedService service, String ca) {
        var caVolume = service.pod().getVolumes().stream()
                .filter(volume -> volume.getSecret() != null
                        && volume.getSecret().getSecretName().equals(ca));
        assertThat(onlyOne("volumes of " + ca, caVolume.toList()).getSecret().getItems())
                .as("what of %s is mounted: its certificate, never its key", ca)
                .map(KeyToPath::getKey)
                .containsExactly("ca.crt");
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
    @MethodSource("overlays")
    void eachServiceIsOneDeploymentReadingOnlyTheDocumentedSecretKeys(RenderedManifests overlay) throws IOException {
        assertThat(overlay.all(Deployment.class)).map(ManifestTest::nameOf).hasSameElementsAs(SERVICES);
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
    @MethodSource("overlays")
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
        Duration lifetime = springDuration(overlay.setting("REDEEM_LEASE_LIFETIME"));
        Duration grace = springDuration(overlay.setting("REDEEM_LEASE_EXPIRY_GRACE"));
        assertThat(lifetime).isPositive().isLessThan(Duration.ofMillis(3500));
        assertThat(lifetime.plus(grace)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(Integer.parseInt(overlay.setting("REDEEM_LEASE_MIN_REMAINING")))
                .as("REDEEM_LEASE_MIN_REMAINING: a small limit is never leased")
                .isGreaterThanOrEqualTo(100);
    }

    @ParameterizedTest(name = "{0} {1} goes to {2}")
    @CsvSource({
        "GET,    /api/v2/shareable_links/Xk3_9aQ-b2,            download-redirector",
        "HEAD,   /api/v2/shareable_links/Xk3_9aQ-b2,            download-redirector",
        "GET,    /share/Tk9aZ2-harbour,                         download-redirector",
        "HEAD,   /share/Tk9aZ2-harbour,                         download-redirector",
        "POST,   /api/v2/shareable_links,                       link-api",
        "POST,   /api/v2/shareable_links/share,                 link-api",
        "POST,   /api/v2/shareable_links/Zk3v9QmL2xR7tY1pW8sN4cB6hJ0dF5gA, download-redirector",
        "POST,   /api/v2/shareable_links/42/info,               nowhere",
        "DELETE, /api/v2/shareable_links/42,                    link-api",
        "GET,    /api/v2/shareable_links/42/info,               link-api",
        "GET,    /api/dam/medias/2001/share/tokens,             token-api",
        "POST,   /api/dam/medias/2001/share/tokens,             token-api",
        "GET,    /api/dam/medias/2001/share/tokens/Tk9aZ2,      token-api",
        "PUT,    /api/dam/medias/2001/share/tokens/Tk9aZ2,      token-api",
        "DELETE, /api/dam/medias/2001/share/tokens/Tk9aZ2,      token-api",
        "GET,    /openapi/mediapocket-v2.yaml,                  link-api",
        "GET,    /openapi/keepeek-share-tokens.yaml,            token-api",
        "GET,    /openapi/other.yaml,                           nowhere",
        "GET,    /admin/accounts,                               nowhere",
        "POST,   /admin/users,                                  nowhere",
        "GET,    /actuator/prometheus,                          nowhere",
        "POST,   /share/Tk9aZ2-harbour,                         nowhere",
        "GET,    /api/v2/shareable_links/42/info/more,          nowhere",
    })
    void theRouteSendsEachPublicRequestToTheServiceThatServesIt(String method, String path, String expected) {
        for (RenderedManifests overlay : overlays().toList()) {
            var services = PublicRoute.of(overlay).servicesTaking(method, path);
            // one rule at most: implementations rank a regular expression against a prefix each their own way
            assertEquals(expected.equals("nowhere") ? List.of() : List.of(expected), services, overlay + ":");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theRouteServesThePublicHostsFromServicePorts(RenderedManifests overlay) {
        var route = PublicRoute.of(overlay);
        for (var backend : route.backends().toList()) {
            assertThat(backend.getName()).as("a routed service").isNotEqualTo("mailer-service");
            var ports =
                    overlay.named(Service.class, backend.getName()).getSpec().getPorts();
            assertThat(ports)
                    .as("ports of Service %s", backend.getName())
                    .anyMatch(port -> port.getPort().equals(backend.getPort()));
        }
        for (String publicUrl : List.of("PUBLIC_REDEEM_BASE_URL", "PUBLIC_SHARE_BASE_URL")) {
            URI url = URI.create(overlay.setting(publicUrl));
            assertEquals("https", url.getScheme(), publicUrl);
            assertThat(route.route().getSpec().getHostnames())
                    .as("route hostnames")
                    .contains(url.getHost());
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void networkPoliciesDenyByDefaultAndLetTheGatewayReachTheRoutedServicesOnPortsTheyHave(RenderedManifests overlay) {
        var route = PublicRoute.of(overlay);
        var routed = route.backends().map(HTTPBackendRef::getName).distinct().toList();
        var gateway = Map.of(
                "kubernetes.io/metadata.name",
                route.route().getSpec().getParentRefs().get(0).getNamespace());
        List<NetworkPolicy> fromGateway = new ArrayList<>();
        for (NetworkPolicy policy : overlay.all(NetworkPolicy.class)) {
            List<String> selected =
                    overlay.deploymentsSelectedBy(policy.getSpec().getPodSelector());
            assertThat(selected).as("pods %s selects", nameOf(policy)).isNotEmpty();
            var ingress = policy.getSpec().getIngress();
            var ports =
                    ingress.stream().flatMap(rule -> rule.getPorts().stream()).map(port -> port.getPort());
            ports.filter(Objects::nonNull)
                    .forEach(port -> selected.forEach(name -> new DeployedService(overlay, name).port(port)));
            var peers =
                    ingress.stream().flatMap(rule -> rule.getFrom().stream()).map(peer -> peer.getNamespaceSelector());
            if (peers.anyMatch(namespaces -> namespaces != null && gateway.equals(namespaces.getMatchLabels()))) {
                fromGateway.add(policy);
            }
        }
        LabelSelector reached = onlyOne("policies admitting the gateway's namespace", fromGateway)
                .getSpec()
                .getPodSelector();
        assertThat(overlay.deploymentsSelectedBy(reached))
                .as("what the gateway reaches")
                .hasSameElementsAs(routed);
        var denials = overlay.all(NetworkPolicy.class).stream()
                .map(NetworkPolicy::getSpec)
                .filter(policy -> policy.getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                        && policy.getIngress().isEmpty()
                        && policy.getEgress().isEmpty());
        var denied = onlyOne("policies denying all ingress and egress", denials.toList())
                .getPodSelector();
        assertThat(overlay.deploymentsSelectedBy(denied))
                .as("what is denied by default")
                .hasSameElementsAs(SERVICES);
    }

    @ParameterizedTest
    @MethodSource("overlays")
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
    @MethodSource("overlays")
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
    @MethodSource("services")
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
    @MethodSource("overlays")
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

    /** The Strimzi cluster the services' bootstrap address names, which must be its TLS and SCRAM listener's. */
    private static String kafkaCluster(RenderedManifests overlay) {
        String bootstrap = overlay.setting("KAFKA_BOOTSTRAP");
        assertThat(bootstrap)
                .as("the cluster's listener with TLS and SCRAM logins")
                .endsWith("-kafka-bootstrap:9093");
        return bootstrap.replaceFirst("-kafka-bootstrap:.*", "");
    }

    // ================================================================================================ helpers

    private static String describe(Probe probe) {
        var get = probe == null ? null : probe.getHttpGet();
        return get == null
                ? null
                : "GET " + get.getPath() + " on " + get.getPort().getStrVal();
    }

    /** {@code <Secret>/<key>} to its documented example value, as secrets.example.env lists them. */
    private static Properties documentedSecretKeys() throws IOException {
        Properties keys = new Properties();
        keys.load(new StringReader(Files.readString(K8S.resolve("base/secrets.example.env"))));
        return keys;
    }

    /** A duration in Spring's simple form, such as 500ms or 20s. */
    private static Duration springDuration(String value) {
        return value.endsWith("ms")
                ? Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)))
                : Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
    }

    private static String nameOf(HasMetadata object) {
        return object.getMetadata().getName();
    }

    private static <T> T onlyOne(String what, List<T> items) {
        assertThat(items).as(what).hasSize(1);
        return items.get(0);
    }
}
