package dev.sharelinks.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads every YAML file under {@code deploy/k8s} (base, overlays, patches) and checks what a cluster would only
 * reveal at deploy time, or never: misspelt or mistyped fields, and references that do not meet (ports, probe
 * paths, environment variables, Secrets, images, routes, topics, database roles, network policies) between the
 * manifests, the services' {@code application.yml}, the image's Dockerfile and {@link Topics}.
 */
class ManifestTest {

    private static final Path K8S = Path.of("k8s");
    private static final Path BASE = K8S.resolve("base");
    private static final Path SECRETS_EXAMPLE = BASE.resolve("secrets.example.env");
    private static final String KUSTOMIZATION_FILE = "kustomization.yaml";

    /** The Deployments, named like the modules whose application.yml and jar they run. */
    private static final Set<String> SERVICES =
            Set.of("link-api", "token-api", "download-redirector", "mailer-service");

    private static final String AUTOSCALED_SERVICE = "download-redirector";
    /** Every Deployment names its one container so; base/deployment-defaults.yaml merges into it by that name. */
    private static final String APP_CONTAINER = "app";

    private static final String HTTP_PORT = "http";
    /** The actuator's port: probes and metrics, reached by the kubelet and Prometheus, never by a Service. */
    private static final String MANAGEMENT_PORT = "management";

    private static final String ROUTE = "sharelinks";
    private static final String LIVENESS_PATH = "/actuator/health/liveness";
    private static final String READINESS_PATH = "/actuator/health/readiness";
    private static final int LONGEST_PRE_STOP_PAUSE_SECONDS = 10;

    /**
     * Environment variables no {@code ${...}} placeholder reads, bound by Spring's relaxed binding to a property
     * of the messaging module (which every service uses), with that property. Keep this short: a placeholder in
     * application.yml documents a setting where an operator looks for it.
     */
    private static final Map<String, RelaxedBinding> SET_BY_RELAXED_BINDING = Map.of(
            "SHARELINKS_KAFKA_CREATE_TOPICS",
            new RelaxedBinding(
                    Path.of(
                            "..",
                            "messaging",
                            "src",
                            "main",
                            "java",
                            "dev",
                            "sharelinks",
                            "messaging",
                            "kafka",
                            "SharelinksKafkaProperties.java"),
                    "@ConfigurationProperties(\"sharelinks.kafka\")",
                    "boolean createTopics"));

    /** The settings that hold the redirector's public address, which the route's hostnames must serve. */
    private static final Map<String, String> PUBLIC_URL_SETTINGS = Map.of(
            "link-api-config", "PUBLIC_REDEEM_BASE_URL",
            "token-api-config", "PUBLIC_SHARE_BASE_URL");

    /** API groups of the custom resources: fabric8 has no schema for them, so {@link #CUSTOM_RESOURCE_SHAPES} does. */
    private static final Set<String> CUSTOM_RESOURCE_GROUPS =
            Set.of("kafka.strimzi.io", "postgresql.cnpg.io", "gateway.networking.k8s.io");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)[:}]");
    private static final Pattern DEFAULTED_PLACEHOLDER = Pattern.compile("\\$\\{[A-Za-z0-9_]+:(.*)}");
    private static final Pattern SPRING_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** Every YAML file under deploy/k8s with its documents, parsed once. */
    private static Map<Path, List<Map<String, Object>>> documents;

    @BeforeAll
    static void readEveryManifest() throws IOException {
        assertThat(K8S)
                .as("run from the deploy module (Maven's default), where k8s/ is")
                .isDirectory();
        documents = new TreeMap<>();
        try (Stream<Path> files = Files.walk(K8S)) {
            files.filter(ManifestTest::isYaml).forEach(file -> documents.put(file.normalize(), parseYaml(file)));
        }
    }

    // ---------------------------------------------------------------------------------------------- strictness

    @Test
    void builtInObjectsHaveNoUnknownOrMistypedFields() {
        List<String> problems = new ArrayList<>();
        manifests()
                .filter(manifest -> !isCustomResource(manifest.tree()))
                .forEach(manifest -> problems.addAll(strictnessProblems(manifest.where(), manifest.tree())));
        assertThat(problems)
                .as("fields the API server would reject, or fabric8 could not place")
                .isEmpty();
    }

    /** The check above is only as good as fabric8's reporting: prove it sees the mistakes it is there for. */
    @Test
    void strictnessCheckCatchesMisspeltFieldsBadQuantitiesUnquotedStringsAndUnknownKinds() {
        assertThat(strictnessProblems("misspelt field", parseYamlText("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: example
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          imagePullPolicyy: Always
                """)))
                .anySatisfy(problem -> assertThat(problem).contains("imagePullPolicyy"));
        assertThat(strictnessProblems("bad quantity", parseYamlText("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: example
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          resources:
                            limits:
                              memory: 512MB
                """))).isNotEmpty();
        assertThat(strictnessProblems("unquoted string", parseYamlText("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: example
                data:
                  DB_PORT: 5432
                """))).isNotEmpty();
        assertThat(strictnessProblems("unknown kind", parseYamlText("""
                apiVersion: app/v1
                kind: Deployment
                metadata:
                  name: example
                """))).isNotEmpty();
    }

    @Test
    void customResourcesUseOnlyTheFieldsTheirOperatorsDefine() {
        List<String> problems = new ArrayList<>();
        manifests().filter(manifest -> isCustomResource(manifest.tree())).forEach(manifest -> {
            String kind = kindOf(manifest.tree());
            Shape shape = CUSTOM_RESOURCE_SHAPES.get(kind);
            if (shape == null) {
                problems.add(
                        manifest.where() + ": no known fields for " + kind + "; add them to CUSTOM_RESOURCE_SHAPES");
                return;
            }
            GenericKubernetesResource resource =
                    SERIALIZATION.convertValue(manifest.tree(), GenericKubernetesResource.class);
            Stream.concat(
                            shape.problems(manifest.tree()).stream(),
                            unknownFields(resource.getMetadata(), "metadata").stream())
                    .forEach(problem -> problems.add(manifest.where() + ": " + problem));
        });
        assertThat(problems)
                .as("fields the operators do not define (or of the wrong type)")
                .isEmpty();
    }

    @Test
    void kustomizationsUseOnlyFieldsKustomizeKnows() {
        List<String> problems = new ArrayList<>();
        kustomizations()
                .forEach(kustomization -> KUSTOMIZATION_SHAPE
                        .problems(kustomization.tree())
                        .forEach(problem -> problems.add(kustomization.file() + ": " + problem)));
        assertThat(problems).isEmpty();
    }

    // ------------------------------------------------------------------------------------ files and references

    @Test
    void kustomizationsReferenceOnlyFilesThatExistAndEveryManifestIsUsed() {
        List<String> problems = new ArrayList<>();
        Set<Path> used = new TreeSet<>();
        for (Kustomization kustomization : kustomizations()) {
            Stream.concat(
                            kustomization.resources().stream(),
                            kustomization.patches().stream().map(Patch::file))
                    .forEach(path -> {
                        if (Files.isDirectory(path)) {
                            if (!Files.isRegularFile(path.resolve(KUSTOMIZATION_FILE))) {
                                problems.add(kustomization.file() + " includes " + path + ", which has no "
                                        + KUSTOMIZATION_FILE);
                            }
                        } else if (!Files.isRegularFile(path)) {
                            problems.add(kustomization.file() + " names " + path + ", which does not exist");
                        } else {
                            used.add(path);
                        }
                    });
        }
        documents.keySet().stream()
                .filter(file -> !isKustomization(file) && !used.contains(file))
                .forEach(file -> problems.add(file + " is in no kustomization: it would never be deployed"));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyPatchTargetsAResourceOfTheBase() {
        List<String> problems = new ArrayList<>();
        for (Kustomization kustomization : kustomizations()) {
            for (Patch patch : kustomization.patches()) {
                for (Map<String, Object> change : documentsOf(patch.file())) {
                    List<Map<String, Object>> targets = targetsOf(patch, change);
                    if (targets.isEmpty()) {
                        problems.add(patch.file() + " patches no resource of the base");
                    }
                    targets.stream()
                            .filter(target -> !Objects.equals(target.get("apiVersion"), change.get("apiVersion")))
                            .forEach(target -> problems.add(patch.file() + " is " + change.get("apiVersion")
                                    + " but patches " + describe(target) + " of " + target.get("apiVersion")));
                    if ("Deployment".equals(kindOf(change))) {
                        containerNames(change).stream()
                                .filter(name -> !APP_CONTAINER.equals(name))
                                .forEach(name -> problems.add(patch.file() + " patches a container " + name
                                        + " that no Deployment has (they are all \"" + APP_CONTAINER + "\")"));
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theBaseHasExactlyOneDeploymentPerServiceEachWithOneAppContainer() {
        assertThat(baseDeployments()).extracting(ManifestTest::nameOf).containsExactlyInAnyOrderElementsOf(SERVICES);
        assertThat(baseDeployments())
                .allSatisfy(deployment -> assertThat(podSpec(deployment).getContainers())
                        .as(nameOf(deployment))
                        .extracting(Container::getName)
                        .containsExactly(APP_CONTAINER));
    }

    // ------------------------------------------------------------------------------------ ports and probes

    @Test
    void eachServiceListensOnTheAppsPortAndItsServiceTargetsIt() {
        for (Deployment deployment : baseDeployments()) {
            String service = nameOf(deployment);
            int appPort = AppSettings.of(service).defaultPort();
            Container container = appContainer(deployment);
            ContainerPort http = namedPort(container, HTTP_PORT);
            int managementPort = AppSettings.of(service).managementPort();
            ContainerPort management = namedPort(container, MANAGEMENT_PORT);

            assertThat(http.getContainerPort())
                    .as("%s's container port is the port application.yml defaults to", service)
                    .isEqualTo(appPort);
            assertThat(environmentValue(container, "PORT"))
                    .as("%s: PORT, where set, is the container port", service)
                    .allSatisfy(port -> assertThat(port).isEqualTo(String.valueOf(appPort)));
            assertThat(management.getContainerPort())
                    .as("%s's management port is application.yml's", service)
                    .isEqualTo(managementPort)
                    .isNotEqualTo(appPort);
            assertThat(environmentValue(container, "MANAGEMENT_PORT"))
                    .as("%s: MANAGEMENT_PORT, where set", service)
                    .allSatisfy(port -> assertThat(port).isEqualTo(String.valueOf(managementPort)));
            assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                    .as("%s: Prometheus scrapes the management port", service)
                    .containsEntry("prometheus.io/port", String.valueOf(managementPort));

            Service kubernetesService = baseResources(Service.class).stream()
                    .filter(candidate -> service.equals(nameOf(candidate)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no Service named " + service));
            ServicePort servicePort = kubernetesService.getSpec().getPorts().stream()
                    .filter(port -> HTTP_PORT.equals(port.getName()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("Service " + service + " has no port named " + HTTP_PORT));
            assertThat(targetsContainerPort(servicePort.getTargetPort(), http))
                    .as(
                            "Service %s's targetPort %s is the container port %s",
                            service, servicePort.getTargetPort(), http)
                    .isTrue();
            assertThat(selects(kubernetesService.getSpec().getSelector(), podLabels(deployment)))
                    .as("Service %s selects its Deployment's pods", service)
                    .isTrue();
            assertThat(kubernetesService.getSpec().getPorts())
                    .as("Service %s exposes no management port", service)
                    .noneMatch(port -> targetsContainerPort(port.getTargetPort(), management));
        }
    }

    @Test
    void probesUseTheActuatorHealthGroupsThatEveryAppEnables() {
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            if (!AppSettings.of(service).probesEnabled()) {
                problems.add(service + "'s application.yml lacks management.endpoint.health.probes.enabled: true");
            }
            List<Container> containers = containersOf(service);
            expectProbe(service, containers, "liveness", Container::getLivenessProbe, LIVENESS_PATH, problems);
            expectProbe(service, containers, "readiness", Container::getReadinessProbe, READINESS_PATH, problems);
            expectProbe(service, containers, "startup", Container::getStartupProbe, LIVENESS_PATH, problems);
        }
        assertThat(problems).isEmpty();
    }

    // -------------------------------------------------------------------------------- shutdown and hardening

    @Test
    void terminationGraceOutlastsThePreStopPauseAndSpringsShutdownPhase() {
        for (String service : SERVICES) {
            AppSettings app = AppSettings.of(service);
            assertThat(app.gracefulShutdown())
                    .as("%s: server.shutdown is graceful", service)
                    .isTrue();
            long preStopSeconds = containersOf(service).stream()
                    .map(ManifestTest::preStopSleepSeconds)
                    .flatMap(Optional::stream)
                    .reduce((first, last) -> last)
                    .orElseThrow(() -> new AssertionError(service + " has no preStop sleep"));
            assertThat(preStopSeconds)
                    .as("%s: the preStop pause is short", service)
                    .isBetween(1L, (long) LONGEST_PRE_STOP_PAUSE_SECONDS);
            long needed = preStopSeconds + app.shutdownPhaseTimeout().toSeconds();
            List<Long> gracePeriods = podSpecsOf(service).stream()
                    .map(PodSpec::getTerminationGracePeriodSeconds)
                    .filter(Objects::nonNull)
                    .toList();
            assertThat(gracePeriods)
                    .as("%s sets terminationGracePeriodSeconds", service)
                    .isNotEmpty();
            assertThat(gracePeriods)
                    .as("%s: grace periods outlast preStop + timeout-per-shutdown-phase (%ss)", service, needed)
                    .allSatisfy(grace -> assertThat(grace).isGreaterThan(needed));
        }
    }

    @Test
    void podsRunAsNonRootOnAReadOnlyRootFilesystemWithAWritableTmp() {
        for (String service : SERVICES) {
            List<PodSpec> podSpecs = podSpecsOf(service);
            List<Container> containers = containersOf(service);
            assertThat(declared(podSpecs, PodSpec::getSecurityContext, PodSecurityContext::getRunAsNonRoot))
                    .as("%s: runAsNonRoot", service)
                    .isNotEmpty()
                    .containsOnly(true);
            assertThat(declared(containers, Container::getSecurityContext, SecurityContext::getReadOnlyRootFilesystem))
                    .as("%s: readOnlyRootFilesystem", service)
                    .isNotEmpty()
                    .containsOnly(true);
            assertThat(declared(
                            containers, Container::getSecurityContext, SecurityContext::getAllowPrivilegeEscalation))
                    .as("%s: allowPrivilegeEscalation", service)
                    .isNotEmpty()
                    .containsOnly(false);
            assertThat(tmpIsAnEmptyDir(podSpecs, containers))
                    .as("%s mounts an emptyDir on /tmp", service)
                    .isTrue();
        }
    }

    @Test
    void theImageIsBuiltForTheUserTheDeploymentsExpectFromEachServicesJar() throws IOException {
        String dockerfile = Files.readString(Path.of("docker", "Dockerfile"));
        assertThat(dockerfile)
                .as("deploy/docker/Dockerfile")
                .contains("FROM eclipse-temurin:17-jre")
                .contains("ARG SERVICE")
                .contains("COPY target/${SERVICE}-*-exec.jar")
                .contains("-Djarmode=tools");
        for (String service : SERVICES) {
            List<Long> users =
                    declared(podSpecsOf(service), PodSpec::getSecurityContext, PodSecurityContext::getRunAsUser);
            assertThat(users).as("%s: runAsUser", service).hasSize(1);
            assertThat(dockerfile).as("the image's user, for %s", service).contains("USER " + users.get(0) + ":");
            assertThat(Path.of("..", service, "pom.xml"))
                    .as("%s is a module, the image's SERVICE", service)
                    .exists();
        }
    }

    // ------------------------------------------------------------------------------- configuration and Secrets

    @Test
    void everyEnvironmentVariableIsOneItsServiceReads() {
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            Set<String> read = AppSettings.of(service).placeholders();
            for (Container container : containersOf(service)) {
                environmentNames(container, problems).stream()
                        .filter(name -> !read.contains(name) && !SET_BY_RELAXED_BINDING.containsKey(name))
                        .forEach(name -> problems.add(service + " is given " + name
                                + ", which its application.yml never reads (no ${" + name + "} placeholder)"));
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void relaxedBindingExceptionsBindToARealPropertyOfEveryService() throws IOException {
        for (Map.Entry<String, RelaxedBinding> exception : SET_BY_RELAXED_BINDING.entrySet()) {
            assertThat(Files.readString(exception.getValue().source()))
                    .as(exception.getKey())
                    .contains(
                            exception.getValue().prefix(), exception.getValue().component());
        }
        for (String service : SERVICES) {
            assertThat(Files.readString(Path.of("..", service, "pom.xml")))
                    .as("%s uses the messaging module", service)
                    .contains("<artifactId>messaging</artifactId>");
        }
    }

    @Test
    void everySecretKeyReferenceIsDocumentedInTheExampleFileAndEveryDocumentedKeyIsUsed() {
        Set<String> documented = documentedSecretKeys().keySet();
        Set<String> referenced = SERVICES.stream()
                .flatMap(service -> containersOf(service).stream())
                .flatMap(ManifestTest::secretKeyRefs)
                .map(ref -> ref.getName() + "/" + ref.getKey())
                .collect(Collectors.toCollection(TreeSet::new));
        // a Secret mounted as files (the admin tokens, read again when they change) reads every key documented for it
        SERVICES.stream()
                .flatMap(service -> podSpecsOf(service).stream())
                .flatMap(pod -> pod.getVolumes().stream())
                .filter(volume -> volume.getSecret() != null)
                .map(volume -> volume.getSecret().getSecretName())
                .forEach(secret -> documented.stream()
                        .filter(key -> key.startsWith(secret + "/"))
                        .forEach(referenced::add));
        assertThat(referenced)
                .as("secretKeyRefs, each documented in %s", SECRETS_EXAMPLE)
                .isSubsetOf(documented);
        assertThat(documented)
                .as("keys documented in %s, each read by a Deployment", SECRETS_EXAMPLE)
                .isSubsetOf(referenced);
        assertThat(SERVICES.stream()
                        .flatMap(service -> containersOf(service).stream())
                        .flatMap(container -> container.getEnvFrom().stream())
                        .map(EnvFromSource::getSecretRef))
                .as("no envFrom of a Secret: it would hide which keys a service needs")
                .allMatch(Objects::isNull);
    }

    @Test
    void imagesNameTheirServiceAndEveryOverlayPinsATagForEach() {
        Map<String, String> imageByService = new TreeMap<>();
        for (Deployment deployment : baseDeployments()) {
            String image = appContainer(deployment).getImage();
            assertThat(lastPathSegment(image))
                    .as("image of %s", nameOf(deployment))
                    .isEqualTo(nameOf(deployment));
            imageByService.put(nameOf(deployment), image);
        }
        for (Kustomization overlay : overlays()) {
            List<Map<String, Object>> images = overlay.list("images");
            assertThat(images)
                    .as("%s: an images entry for every service's image", overlay.file())
                    .extracting(image -> image.get("name"))
                    .containsExactlyInAnyOrderElementsOf(imageByService.values());
            assertThat(images)
                    .as("%s: each image keeps its service's name and has a tag", overlay.file())
                    .allSatisfy(image -> {
                        assertThat(lastPathSegment((String) image.getOrDefault("newName", image.get("name"))))
                                .isEqualTo(lastPathSegment((String) image.get("name")));
                        assertThat((String) image.get("newTag")).isNotBlank();
                    });
        }
    }

    // ----------------------------------------------------------------------------------- scaling and budgets

    @Test
    void theAutoscalerScalesTheRedirectorAndNothingElsePinsItsReplicas() {
        HorizontalPodAutoscaler autoscaler = onlyOne(baseResources(HorizontalPodAutoscaler.class));
        assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(autoscaler.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo(AUTOSCALED_SERVICE);
        assertThat(baseDeployment(AUTOSCALED_SERVICE).getSpec().getReplicas())
                .as("the autoscaled Deployment leaves replicas to the autoscaler")
                .isNull();
        for (Kustomization environment : environments()) {
            assertThat(environment.list("replicas"))
                    .as("%s: replica counts", environment.file())
                    .extracting(entry -> entry.get("name"))
                    .allSatisfy(name -> assertThat(SERVICES).contains((String) name))
                    .doesNotContain(AUTOSCALED_SERVICE);
            Map<String, Object> deployed = asDeployedBy(environment, "HorizontalPodAutoscaler", nameOf(autoscaler));
            assertThat(asInt(at(deployed, "spec", "minReplicas")))
                    .as("%s: autoscaler bounds", environment.file())
                    .isPositive()
                    .isLessThanOrEqualTo(asInt(at(deployed, "spec", "maxReplicas")));
        }
    }

    /**
     * The autoscaled redirector takes download leases of hot links; a lost pod's leased downloads come back at the
     * lease's lifetime plus its expiry grace, which must stay short, and a lease's lifetime must stay below the time a
     * redeem waits for another replica's lease to end (the redirector's held-wait, 4 s).
     */
    @Test
    void theRedirectorLeasesHotLinksAndALostPodsLeasesComeBackWithinHalfAMinute() {
        assertThat(platformSetting("REDEEM_LEASES")).isEqualTo("true");
        Duration lifetime =
                Duration.parse("PT" + platformSetting("REDEEM_LEASE_LIFETIME").toUpperCase(Locale.ROOT));
        Duration grace = Duration.parse(
                "PT" + platformSetting("REDEEM_LEASE_EXPIRY_GRACE").toUpperCase(Locale.ROOT));
        assertThat(lifetime).isPositive().isLessThan(Duration.ofMillis(3500));
        assertThat(lifetime.plus(grace)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(Integer.parseInt(platformSetting("REDEEM_LEASE_MIN_REMAINING")))
                .as("a small limit is never leased")
                .isGreaterThanOrEqualTo(100);
    }

    @Test
    void theDisruptionBudgetCoversTheRedirectorsPodsOnly() {
        PodDisruptionBudget budget = onlyOne(baseResources(PodDisruptionBudget.class));
        for (Deployment deployment : baseDeployments()) {
            assertThat(selects(budget.getSpec().getSelector(), podLabels(deployment)))
                    .as("the disruption budget selects %s's pods", nameOf(deployment))
                    .isEqualTo(AUTOSCALED_SERVICE.equals(nameOf(deployment)));
        }
    }

    // ------------------------------------------------------------------------------------------------ route

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
        List<List<String>> matchingRules = rulesMatching(route(), method, path);
        if ("nowhere".equals(expected)) {
            assertThat(matchingRules).as("%s %s is not public", method, path).isEmpty();
        } else {
            // one rule at most: implementations rank a regular expression against a prefix each their own way
            assertThat(matchingRules).as("rules matching %s %s", method, path).containsExactly(List.of(expected));
        }
    }

    @Test
    void routeBackendsAreExistingServicePortsAndOverlaysOnlyChangeHostnames() {
        Map<String, Set<Integer>> servicePorts = baseResources(Service.class).stream()
                .collect(Collectors.toMap(
                        ManifestTest::nameOf,
                        service -> service.getSpec().getPorts().stream()
                                .map(ServicePort::getPort)
                                .collect(Collectors.toSet())));
        List<Map<String, Object>> backends = objectsAt(route(), "spec", "rules").stream()
                .flatMap(rule -> objectsAt(rule, "backendRefs").stream())
                .toList();
        assertThat(backends)
                .isNotEmpty()
                .allSatisfy(backend -> assertThat(servicePorts.get((String) backend.get("name")))
                        .as("Service %s port %s", backend.get("name"), backend.get("port"))
                        .contains(asInt(backend.get("port"))));
        assertThat(backends).extracting(backend -> backend.get("name")).doesNotContain("mailer-service");

        overlays().stream()
                .flatMap(overlay -> overlay.patches().stream())
                .flatMap(patch -> documentsOf(patch.file()).stream())
                .filter(change -> "HTTPRoute".equals(kindOf(change)))
                .forEach(change -> assertThat(mapAt(change, "spec").keySet())
                        .as("an overlay's route patch changes hostnames only; the rules are tested on the base")
                        .containsOnly("hostnames"));
    }

    @Test
    void publicBaseUrlsNameAHostTheRouteServesInEveryEnvironment() {
        for (Kustomization environment : environments()) {
            List<Object> hostnames = listAt(asDeployedBy(environment, "HTTPRoute", ROUTE), "spec", "hostnames");
            PUBLIC_URL_SETTINGS.forEach((configMap, key) -> {
                URI url = URI.create((String) at(asDeployedBy(environment, "ConfigMap", configMap), "data", key));
                assertThat(url.getScheme()).as("%s %s", environment.file(), key).isEqualTo("https");
                assertThat(hostnames)
                        .as("%s: the route serves the host of %s", environment.file(), key)
                        .contains(url.getHost());
            });
        }
    }

    // ------------------------------------------------------------------------------------------------ Kafka

    @Test
    void kafkaTopicsAreExactlyTheEventTopicsAndTheirDeadLettersKeptForever() {
        List<Map<String, Object>> topics = baseCustomResources("KafkaTopic");
        Set<String> expected = Topics.ALL.stream()
                .flatMap(topic -> Stream.of(topic, Topics.deadLetterOf(topic)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(topics).extracting(ManifestTest::topicName).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(topics).allSatisfy(topic -> {
            assertThat(asInt(at(topic, "spec", "partitions")))
                    .as(topicName(topic))
                    .isPositive();
            assertThat(String.valueOf(at(topic, "spec", "config", "retention.ms")))
                    .as("%s keeps its history for audit replay", topicName(topic))
                    .isEqualTo("-1");
        });
        Map<String, Integer> partitions = topics.stream()
                .collect(Collectors.toMap(ManifestTest::topicName, topic -> asInt(at(topic, "spec", "partitions"))));
        assertThat(Topics.ALL)
                .as("event topics have at least as many partitions as their dead-letter topics")
                .allSatisfy(topic -> assertThat(partitions.get(topic))
                        .isGreaterThanOrEqualTo(partitions.get(Topics.deadLetterOf(topic))));
    }

    @Test
    void topicsBelongToTheKafkaClusterTheServicesConnectToAndStayWritable() {
        Set<Object> clusters = baseCustomResources("KafkaTopic").stream()
                .map(topic -> at(topic, "metadata", "labels", "strimzi.io/cluster"))
                .collect(Collectors.toSet());
        assertThat(clusters)
                .as("the Strimzi cluster of every KafkaTopic")
                .hasSize(1)
                .doesNotContainNull();
        assertThat(platformSetting("KAFKA_BOOTSTRAP"))
                .startsWith(clusters.iterator().next() + "-kafka-bootstrap:");
        for (Kustomization environment : environments()) {
            for (Map<String, Object> topic : baseCustomResources("KafkaTopic")) {
                Map<String, Object> deployed = asDeployedBy(environment, "KafkaTopic", nameOfTree(topic));
                assertThat(asInt(at(deployed, "spec", "config", "min.insync.replicas")))
                        .as(
                                "%s %s: acks=all needs min.insync.replicas within the replicas",
                                environment.file(), topicName(topic))
                        .isPositive()
                        .isLessThanOrEqualTo(asInt(at(deployed, "spec", "replicas")));
            }
        }
    }

    // --------------------------------------------------------------------------------------------- database

    @Test
    void theDatabaseClusterGivesEachServiceALoginOwningItsSchema() {
        Map<String, Object> cluster = onlyOne(baseCustomResources("Cluster"));
        assertThat(platformSetting("DB_HOST"))
                .as("the services connect to the cluster's read-write service")
                .isEqualTo(nameOfTree(cluster) + "-rw");
        assertThat(platformSetting("DB_NAME")).isEqualTo(at(cluster, "spec", "bootstrap", "initdb", "database"));

        Map<String, String> roleBySecret = objectsAt(cluster, "spec", "managed", "roles").stream()
                .collect(Collectors.toMap(
                        role -> (String) at(role, "passwordSecret", "name"), role -> (String) role.get("name")));
        List<Object> bootstrapSql = listAt(cluster, "spec", "bootstrap", "initdb", "postInitApplicationSQL");
        Map<String, String> documented = documentedSecretKeys();
        for (String service : SERVICES) {
            String userSecret = secretOf(service, "DB_USER");
            assertThat(secretOf(service, "DB_PASSWORD"))
                    .as("%s: login and password from one Secret", service)
                    .isEqualTo(userSecret);
            String role = roleBySecret.get(userSecret);
            assertThat(role)
                    .as("%s: a managed role takes its password from %s", service, userSecret)
                    .isNotNull();
            assertThat(documented.get(userSecret + "/username"))
                    .as("%s: documented login", userSecret)
                    .isEqualTo(role);
            assertThat(bootstrapSql)
                    .as("%s's schema belongs to its role", service)
                    .contains("CREATE SCHEMA " + AppSettings.of(service).flywaySchema() + " AUTHORIZATION " + role);
        }
    }

    // -------------------------------------------------------------------------------------- network policies

    @Test
    void networkPoliciesSelectSharelinksPodsAndNameOnlyPortsTheyHave() {
        List<NetworkPolicy> policies = baseResources(NetworkPolicy.class);
        for (NetworkPolicy policy : policies) {
            List<Deployment> selected = deploymentsSelectedBy(policy.getSpec().getPodSelector());
            assertThat(selected).as("pods selected by %s", nameOf(policy)).isNotEmpty();
            policy.getSpec().getIngress().stream()
                    .flatMap(rule -> rule.getPorts().stream())
                    .map(port -> port.getPort() == null ? null : port.getPort().getStrVal())
                    .filter(Objects::nonNull)
                    .forEach(portName -> assertThat(selected)
                            .as("%s names port %s", nameOf(policy), portName)
                            .allSatisfy(deployment -> assertThat(
                                            appContainer(deployment).getPorts())
                                    .extracting(ContainerPort::getName)
                                    .contains(portName)));
        }
        assertThat(policies)
                .as("a policy denying by default every service's ingress and egress")
                .anySatisfy(policy -> {
                    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
                    assertThat(policy.getSpec().getIngress()).isEmpty();
                    assertThat(policy.getSpec().getEgress()).isEmpty();
                    assertThat(deploymentsSelectedBy(policy.getSpec().getPodSelector()))
                            .hasSameSizeAs(baseDeployments());
                });
    }

    @Test
    void theGatewaysNamespaceReachesExactlyTheRoutedServices() {
        String gatewayNamespace =
                (String) objectsAt(route(), "spec", "parentRefs").get(0).get("namespace");
        Set<String> routed = objectsAt(route(), "spec", "rules").stream()
                .flatMap(rule -> objectsAt(rule, "backendRefs").stream())
                .map(backend -> (String) backend.get("name"))
                .collect(Collectors.toCollection(TreeSet::new));
        NetworkPolicy fromGateway = onlyOne(baseResources(NetworkPolicy.class).stream()
                .filter(policy -> policy.getSpec().getIngress().stream()
                        .flatMap(rule -> rule.getFrom().stream())
                        .anyMatch(peer -> isNamespace(peer, gatewayNamespace)))
                .toList());
        assertThat(deploymentsSelectedBy(fromGateway.getSpec().getPodSelector()))
                .extracting(ManifestTest::nameOf)
                .containsExactlyInAnyOrderElementsOf(routed);
    }

    // ========================================================================================== helpers

    /** One YAML document of a file under deploy/k8s. */
    private record Manifest(Path file, Map<String, Object> tree) {

        String where() {
            return file + " " + describe(tree);
        }
    }

    private record Kustomization(Path file, Map<String, Object> tree) {

        static Kustomization in(Path dir) {
            Path file = dir.resolve(KUSTOMIZATION_FILE).normalize();
            return new Kustomization(file, onlyOne(documentsOf(file)));
        }

        Path dir() {
            return file.getParent();
        }

        List<Path> resources() {
            return listAt(tree, "resources").stream()
                    .map(entry -> dir().resolve((String) entry).normalize())
                    .toList();
        }

        List<Patch> patches() {
            return list("patches").stream()
                    .map(patch ->
                            new Patch(dir().resolve((String) patch.get("path")).normalize(), mapAt(patch, "target")))
                    .toList();
        }

        List<Map<String, Object>> list(String field) {
            return objectsAt(tree, field);
        }
    }

    /** A patch file; target is null when the patch names its resource itself. */
    private record Patch(Path file, Map<String, Object> target) {

        boolean appliesTo(Map<String, Object> resource, Map<String, Object> change) {
            if (target == null) {
                return kindOf(change).equals(kindOf(resource))
                        && nameOfTree(change).equals(nameOfTree(resource));
            }
            return Objects.equals(target.get("kind"), kindOf(resource))
                    && (target.get("name") == null || target.get("name").equals(nameOfTree(resource)))
                    && (target.get("labelSelector") == null
                            || labelsMatch((String) target.get("labelSelector"), labelsOf(resource)));
        }
    }

    private record RelaxedBinding(Path source, String prefix, String component) {}

    /** What a service's application.yml reads and promises: the other end of most references checked here. */
    private record AppSettings(String service, String text, Map<String, Object> tree) {

        static AppSettings of(String service) {
            Path file = Path.of("..", service, "src", "main", "resources", "application.yml");
            try {
                String text = Files.readString(file);
                return new AppSettings(service, text, parseYamlText(text));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        Set<String> placeholders() {
            Set<String> names = new TreeSet<>();
            Matcher placeholder = PLACEHOLDER.matcher(text);
            while (placeholder.find()) {
                names.add(placeholder.group(1));
            }
            return names;
        }

        int defaultPort() {
            return Integer.parseInt(placeholderDefault(at(tree, "server", "port")));
        }

        int managementPort() {
            return Integer.parseInt(placeholderDefault(at(tree, "management", "server", "port")));
        }

        boolean probesEnabled() {
            return Boolean.TRUE.equals(at(tree, "management", "endpoint", "health", "probes", "enabled"));
        }

        boolean gracefulShutdown() {
            return "graceful".equals(at(tree, "server", "shutdown"));
        }

        Duration shutdownPhaseTimeout() {
            Object timeout = at(tree, "spring", "lifecycle", "timeout-per-shutdown-phase");
            // Spring's default when unset
            return timeout == null ? Duration.ofSeconds(30) : springDuration(String.valueOf(timeout));
        }

        String flywaySchema() {
            return String.valueOf(at(tree, "spring", "flyway", "schemas"));
        }

        private String placeholderDefault(Object value) {
            Matcher defaulted = DEFAULTED_PLACEHOLDER.matcher(String.valueOf(value));
            if (defaulted.matches()) {
                return defaulted.group(1);
            }
            return String.valueOf(value);
        }
    }

    // ---------------------------------------------------------------------------------- reading the tree

    private static Stream<Manifest> manifests() {
        return documents.entrySet().stream()
                .filter(entry -> !isKustomization(entry.getKey()))
                .flatMap(entry -> entry.getValue().stream().map(tree -> new Manifest(entry.getKey(), tree)));
    }

    private static List<Map<String, Object>> documentsOf(Path file) {
        List<Map<String, Object>> found = documents.get(file.normalize());
        if (found == null) {
            throw new AssertionError(file + " is not a YAML file under " + K8S);
        }
        return found;
    }

    private static List<Kustomization> kustomizations() {
        return documents.keySet().stream()
                .filter(ManifestTest::isKustomization)
                .map(file -> Kustomization.in(file.getParent()))
                .toList();
    }

    private static Kustomization base() {
        return Kustomization.in(BASE);
    }

    private static List<Kustomization> overlays() {
        return kustomizations().stream()
                .filter(kustomization -> !kustomization.dir().equals(BASE))
                .toList();
    }

    /** The base as such, and each overlay: every place a resource's deployed form is decided. */
    private static List<Kustomization> environments() {
        return kustomizations();
    }

    private static List<Map<String, Object>> baseResourceTrees() {
        return base().resources().stream()
                .filter(Files::isRegularFile)
                .flatMap(file -> documentsOf(file).stream())
                .toList();
    }

    private static <T extends HasMetadata> List<T> baseResources(Class<T> type) {
        return baseResourceTrees().stream()
                .filter(tree -> !isCustomResource(tree))
                .map(ManifestTest::typed)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    private static List<Map<String, Object>> baseCustomResources(String kind) {
        return baseResourceTrees().stream()
                .filter(tree -> isCustomResource(tree) && kind.equals(kindOf(tree)))
                .toList();
    }

    private static List<Deployment> baseDeployments() {
        return baseResources(Deployment.class);
    }

    private static Deployment baseDeployment(String service) {
        return baseDeployments().stream()
                .filter(deployment -> service.equals(nameOf(deployment)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + service + " in the base"));
    }

    private static Map<String, Object> route() {
        return baseCustomResources("HTTPRoute").stream()
                .filter(route -> ROUTE.equals(nameOfTree(route)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no HTTPRoute " + ROUTE + " in the base"));
    }

    private static String platformSetting(String key) {
        return baseResources(ConfigMap.class).stream()
                .filter(configMap -> configMap.getData().containsKey(key))
                .map(configMap -> configMap.getData().get(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap of the base sets " + key));
    }

    /** Base resources a patch changes: by its target, or else by its own kind and name. */
    private static List<Map<String, Object>> targetsOf(Patch patch, Map<String, Object> change) {
        return baseResourceTrees().stream()
                .filter(resource -> patch.appliesTo(resource, change))
                .toList();
    }

    /**
     * A base resource as an environment deploys it, for the kinds patched here through maps and whole lists
     * (ConfigMap data, autoscaler bounds, route hostnames, topic and database settings): kustomize merges those
     * maps and replaces those lists, which is what this merge does. Not for Deployments, whose containers
     * kustomize merges by name.
     */
    private static Map<String, Object> asDeployedBy(Kustomization environment, String kind, String name) {
        Map<String, Object> resource = baseResourceTrees().stream()
                .filter(tree -> kind.equals(kindOf(tree)) && name.equals(nameOfTree(tree)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the base"));
        for (Patch patch : environment.patches()) {
            for (Map<String, Object> change : documentsOf(patch.file())) {
                if (patch.appliesTo(resource, change)) {
                    Map<String, Object> withoutMetadata = new LinkedHashMap<>(change);
                    withoutMetadata.remove("metadata");
                    resource = merged(resource, withoutMetadata);
                }
            }
        }
        return resource;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merged(Map<String, Object> base, Map<String, Object> patch) {
        Map<String, Object> result = new LinkedHashMap<>(base);
        patch.forEach((key, value) -> result.merge(
                key,
                value,
                (was, is) -> was instanceof Map && is instanceof Map
                        ? merged((Map<String, Object>) was, (Map<String, Object>) is)
                        : is));
        return result;
    }

    // ---------------------------------------------------------------------------- Deployments and containers

    /** Each container spec of a service: the base Deployment's and those of every patch applied to it. */
    private static List<Container> containersOf(String service) {
        return deploymentVariantsOf(service).stream()
                .map(ManifestTest::podSpec)
                .filter(Objects::nonNull)
                .flatMap(pod -> pod.getContainers().stream())
                .toList();
    }

    private static List<PodSpec> podSpecsOf(String service) {
        return deploymentVariantsOf(service).stream()
                .map(ManifestTest::podSpec)
                .filter(Objects::nonNull)
                .toList();
    }

    private static List<Deployment> deploymentVariantsOf(String service) {
        Map<String, Object> base = baseResourceTrees().stream()
                .filter(tree -> "Deployment".equals(kindOf(tree)) && service.equals(nameOfTree(tree)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + service + " in the base"));
        List<Deployment> variants = new ArrayList<>();
        variants.add((Deployment) typed(base));
        for (Kustomization kustomization : kustomizations()) {
            for (Patch patch : kustomization.patches()) {
                documentsOf(patch.file()).stream()
                        .filter(change -> patch.appliesTo(base, change))
                        .map(change -> (Deployment) typed(change))
                        .forEach(variants::add);
            }
        }
        return variants;
    }

    private static PodSpec podSpec(Deployment deployment) {
        if (deployment.getSpec() == null || deployment.getSpec().getTemplate() == null) {
            return null;
        }
        return deployment.getSpec().getTemplate().getSpec();
    }

    private static Container appContainer(Deployment deployment) {
        return podSpec(deployment).getContainers().stream()
                .filter(c -> APP_CONTAINER.equals(c.getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(nameOf(deployment) + " has no container " + APP_CONTAINER));
    }

    private static ContainerPort namedPort(Container container, String name) {
        return container.getPorts().stream()
                .filter(port -> name.equals(port.getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + name));
    }

    private static boolean targetsContainerPort(IntOrString targetPort, ContainerPort port) {
        return targetPort.getStrVal() != null
                ? targetPort.getStrVal().equals(port.getName())
                : Objects.equals(targetPort.getIntVal(), port.getContainerPort());
    }

    private static Map<String, String> podLabels(Deployment deployment) {
        return deployment.getSpec().getTemplate().getMetadata().getLabels();
    }

    private static List<String> containerNames(Map<String, Object> deployment) {
        return objectsAt(deployment, "spec", "template", "spec", "containers").stream()
                .map(container -> (String) container.get("name"))
                .toList();
    }

    private static void expectProbe(
            String service,
            List<Container> containers,
            String kind,
            Function<Container, Probe> probeOf,
            String expectedPath,
            List<String> problems) {
        List<Probe> probes =
                containers.stream().map(probeOf).filter(Objects::nonNull).toList();
        if (probes.isEmpty()) {
            problems.add(service + " has no " + kind + " probe");
        }
        for (Probe probe : probes) {
            if (probe.getHttpGet() == null
                    || !expectedPath.equals(probe.getHttpGet().getPath())) {
                problems.add(service + "'s " + kind + " probe does not GET " + expectedPath);
            } else if (probe.getHttpGet().getPort() == null
                    || !MANAGEMENT_PORT.equals(probe.getHttpGet().getPort().getStrVal())) {
                problems.add(service + "'s " + kind + " probe is not on the port named " + MANAGEMENT_PORT);
            }
        }
    }

    private static Optional<Long> preStopSleepSeconds(Container container) {
        if (container.getLifecycle() == null
                || container.getLifecycle().getPreStop() == null
                || container.getLifecycle().getPreStop().getExec() == null) {
            return Optional.empty();
        }
        List<String> command = container.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(command).as("preStop command").hasSize(2).first().isEqualTo("sleep");
        return Optional.of(Long.parseLong(command.get(1)));
    }

    /** The values some of these objects set for a nested setting: empty when none sets it. */
    private static <T, C, V> List<V> declared(List<T> objects, Function<T, C> context, Function<C, V> setting) {
        return objects.stream()
                .map(context)
                .filter(Objects::nonNull)
                .map(setting)
                .filter(Objects::nonNull)
                .toList();
    }

    private static boolean tmpIsAnEmptyDir(List<PodSpec> podSpecs, List<Container> containers) {
        Set<String> emptyDirs = podSpecs.stream()
                .flatMap(pod -> pod.getVolumes().stream())
                .filter(volume -> volume.getEmptyDir() != null)
                .map(volume -> volume.getName())
                .collect(Collectors.toSet());
        return containers.stream()
                .flatMap(container -> container.getVolumeMounts().stream())
                .anyMatch(mount -> "/tmp".equals(mount.getMountPath()) && emptyDirs.contains(mount.getName()));
    }

    /** The names a container's environment gets: its env entries and the keys of the ConfigMaps it imports. */
    private static Set<String> environmentNames(Container container, List<String> problems) {
        Set<String> names =
                container.getEnv().stream().map(EnvVar::getName).collect(Collectors.toCollection(TreeSet::new));
        for (EnvFromSource source : container.getEnvFrom()) {
            if (source.getConfigMapRef() != null) {
                String name = source.getConfigMapRef().getName();
                Set<String> keys = configMapKeys(name);
                if (keys.isEmpty()) {
                    problems.add("envFrom names ConfigMap " + name + ", which the base does not define");
                }
                keys.stream()
                        .map(key -> (source.getPrefix() == null ? "" : source.getPrefix()) + key)
                        .forEach(names::add);
            }
        }
        return names;
    }

    /** The keys of a ConfigMap as the base defines it and as any patch adds to it. */
    private static Set<String> configMapKeys(String name) {
        boolean inBase = baseResources(ConfigMap.class).stream().anyMatch(map -> name.equals(nameOf(map)));
        if (!inBase) {
            return Set.of();
        }
        return manifests()
                .filter(manifest ->
                        "ConfigMap".equals(kindOf(manifest.tree())) && name.equals(nameOfTree(manifest.tree())))
                .flatMap(manifest -> mapAt(manifest.tree(), "data").keySet().stream())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> environmentValue(Container container, String name) {
        return container.getEnv().stream()
                .filter(env -> name.equals(env.getName()))
                .map(EnvVar::getValue)
                .toList();
    }

    private static Stream<SecretKeySelector> secretKeyRefs(Container container) {
        return container.getEnv().stream()
                .map(EnvVar::getValueFrom)
                .filter(Objects::nonNull)
                .map(EnvVarSource::getSecretKeyRef)
                .filter(Objects::nonNull);
    }

    private static String secretOf(String service, String variable) {
        return containersOf(service).stream()
                .flatMap(container -> container.getEnv().stream())
                .filter(env -> variable.equals(env.getName())
                        && env.getValueFrom() != null
                        && env.getValueFrom().getSecretKeyRef() != null)
                .map(env -> env.getValueFrom().getSecretKeyRef().getName())
                .findFirst()
                .orElseThrow(() -> new AssertionError(service + " reads " + variable + " from no Secret"));
    }

    /** {@code <Secret>/<key>} to its documented example value. */
    private static Map<String, String> documentedSecretKeys() {
        try {
            Map<String, String> keys = new TreeMap<>();
            for (String line : Files.readAllLines(SECRETS_EXAMPLE)) {
                String entry = line.strip();
                if (entry.isEmpty() || entry.startsWith("#")) {
                    continue;
                }
                int equals = entry.indexOf('=');
                assertThat(equals)
                        .as("%s: %s is <Secret>/<key>=<value>", SECRETS_EXAMPLE, entry)
                        .isPositive();
                assertThat(entry.substring(0, equals))
                        .as("%s: %s", SECRETS_EXAMPLE, entry)
                        .matches("[^/]+/[^/]+");
                keys.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --------------------------------------------------------------------------------- selectors and routes

    private static List<Deployment> deploymentsSelectedBy(LabelSelector selector) {
        return baseDeployments().stream()
                .filter(deployment -> selects(selector, podLabels(deployment)))
                .toList();
    }

    private static boolean selects(Map<String, String> matchLabels, Map<String, String> labels) {
        return matchLabels != null
                && !matchLabels.isEmpty()
                && labels.entrySet().containsAll(matchLabels.entrySet());
    }

    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        boolean byLabels =
                labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
        return byLabels && selector.getMatchExpressions().stream().allMatch(requirement -> meets(requirement, labels));
    }

    private static boolean meets(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        return switch (requirement.getOperator()) {
            case "In" -> requirement.getValues().contains(value);
            case "NotIn" -> !requirement.getValues().contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new AssertionError("unknown selector operator " + requirement.getOperator());
        };
    }

    /** kustomize's labelSelector, as used here: comma-separated {@code key=value} pairs. */
    private static boolean labelsMatch(String selector, Map<String, String> labels) {
        return Stream.of(selector.split(",")).map(String::strip).allMatch(pair -> {
            String[] keyValue = pair.split("=", 2);
            return keyValue.length == 2 && keyValue[1].equals(labels.get(keyValue[0]));
        });
    }

    private static boolean isNamespace(NetworkPolicyPeer peer, String namespace) {
        return peer.getNamespaceSelector() != null
                && namespace.equals(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"));
    }

    /** The backends of each HTTPRoute rule that has a match for this request. */
    private static List<List<String>> rulesMatching(Map<String, Object> route, String method, String path) {
        return objectsAt(route, "spec", "rules").stream()
                .filter(rule -> {
                    List<Map<String, Object>> matches = objectsAt(rule, "matches");
                    // a rule without matches matches every request
                    return matches.isEmpty() || matches.stream().anyMatch(match -> matchesRequest(match, method, path));
                })
                .map(rule -> objectsAt(rule, "backendRefs").stream()
                        .map(backend -> (String) backend.get("name"))
                        .toList())
                .toList();
    }

    private static boolean matchesRequest(Map<String, Object> match, String method, String path) {
        if (match.get("method") != null && !match.get("method").equals(method)) {
            return false;
        }
        Map<String, Object> pathMatch = mapAt(match, "path");
        String type = pathMatch == null ? "PathPrefix" : (String) pathMatch.getOrDefault("type", "PathPrefix");
        String value = pathMatch == null ? "/" : (String) pathMatch.getOrDefault("value", "/");
        return switch (type) {
            case "Exact" -> path.equals(value);
            case "PathPrefix" -> hasPathPrefix(path, value);
            case "RegularExpression" -> Pattern.matches(value, path);
            default -> throw new AssertionError("unknown path match type " + type);
        };
    }

    /** Gateway API prefixes match whole path elements: /share matches /share/x, not /shares. */
    private static boolean hasPathPrefix(String path, String prefix) {
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return trimmed.isEmpty() || path.equals(trimmed) || path.startsWith(trimmed + "/");
    }

    private static String topicName(Map<String, Object> topic) {
        Object topicName = at(topic, "spec", "topicName");
        return topicName != null ? (String) topicName : nameOfTree(topic);
    }

    // ------------------------------------------------------------------------------------------ strictness

    private static List<String> strictnessProblems(String where, Map<String, Object> tree) {
        String apiVersion = String.valueOf(tree.get("apiVersion"));
        if (SERIALIZATION.getRegisteredKubernetesResource(apiVersion, kindOf(tree)) == null) {
            return List.of(where + ": " + apiVersion + " " + kindOf(tree) + " is no built-in kind");
        }
        KubernetesResource resource;
        try {
            resource = SERIALIZATION.convertValue(tree, KubernetesResource.class);
        } catch (IllegalArgumentException e) {
            return List.of(where + ": not readable as a Kubernetes object: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>(unknownFields(resource, ""));
        compareWithWhatKubernetesReads(tree, SERIALIZATION.convertValue(resource, Map.class), "", problems);
        return problems.stream().map(problem -> where + ": " + problem).toList();
    }

    /**
     * fabric8 puts every key it has no field for into the {@code additionalProperties} of the object that holds
     * it: a misspelt or misplaced field. Walks the model objects by their fields.
     */
    private static List<String> unknownFields(Object root, String path) {
        List<String> problems = new ArrayList<>();
        collectUnknownFields(root, path, problems, Collections.newSetFromMap(new IdentityHashMap<>()));
        return problems;
    }

    private static void collectUnknownFields(Object node, String path, List<String> problems, Set<Object> seen) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> collectUnknownFields(value, child(path, key), problems, seen));
        } else if (node instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + index++ + "]", problems, seen);
            }
        } else if (node instanceof Quantity quantity) {
            checkQuantity(quantity, path, problems);
        } else if (node != null && node.getClass().getName().startsWith("io.fabric8.") && seen.add(node)) {
            // fabric8's own classes only: JDK superclasses (an enum's, say) are not ours to read, nor open to us
            for (Class<?> type = node.getClass();
                    type != null && type.getName().startsWith("io.fabric8.");
                    type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers())) {
                        continue;
                    }
                    Object value = read(field, node);
                    if ("additionalProperties".equals(field.getName()) && value instanceof Map<?, ?> unknown) {
                        unknown.keySet().forEach(key -> problems.add(child(path, key) + ": unknown field"));
                    } else {
                        collectUnknownFields(value, child(path, field.getName()), problems, seen);
                    }
                }
            }
        }
    }

    private static void checkQuantity(Quantity quantity, String path, List<String> problems) {
        try {
            quantity.getNumericalAmount();
        } catch (RuntimeException notAQuantity) {
            problems.add(path + ": " + quantity + " is not a Kubernetes quantity");
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new AssertionError(
                    "cannot read " + field + " of " + owner.getClass().getName(), e);
        }
    }

    /**
     * Jackson quietly converts a YAML number into a string field (a ConfigMap's {@code DB_PORT: 5432}) and a
     * string into a boolean one, where the API server refuses the file: what fabric8 writes back must be what the
     * file says, scalar for scalar.
     */
    private static void compareWithWhatKubernetesReads(
            Object written, Object reread, String path, List<String> problems) {
        if (written instanceof Map<?, ?> writtenMap && reread instanceof Map<?, ?> rereadMap) {
            writtenMap.forEach((key, value) -> {
                if (rereadMap.containsKey(key)) {
                    compareWithWhatKubernetesReads(value, rereadMap.get(key), child(path, key), problems);
                } else if (!isEmpty(value)) {
                    problems.add(child(path, key) + ": dropped when read");
                }
            });
        } else if (written instanceof List<?> writtenList
                && reread instanceof List<?> rereadList
                && writtenList.size() == rereadList.size()) {
            for (int index = 0; index < writtenList.size(); index++) {
                compareWithWhatKubernetesReads(
                        writtenList.get(index), rereadList.get(index), path + "[" + index + "]", problems);
            }
        } else if (!sameScalar(written, reread)) {
            problems.add(path + ": written " + typeAndValue(written) + ", read as " + typeAndValue(reread));
        }
    }

    private static String child(String path, Object key) {
        return path.isEmpty() ? String.valueOf(key) : path + "." + key;
    }

    private static boolean sameScalar(Object written, Object reread) {
        if (written instanceof Number a && reread instanceof Number b) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
        }
        return Objects.equals(written, reread);
    }

    private static boolean isEmpty(Object value) {
        return value == null
                || value instanceof Map<?, ?> map && map.isEmpty()
                || value instanceof Collection<?> items && items.isEmpty();
    }

    private static String typeAndValue(Object value) {
        return value == null ? "nothing" : value.getClass().getSimpleName() + " " + value;
    }

    // ----------------------------------------------------------------------------------- custom resources

    /** The fields a custom resource or kustomization may have, checked against its YAML tree. */
    @FunctionalInterface
    private interface Shape {
        void check(Object value, String path, List<String> problems);

        default List<String> problems(Map<String, Object> tree) {
            List<String> problems = new ArrayList<>();
            check(tree, "", problems);
            return problems;
        }
    }

    private static final Shape ANY = (value, path, problems) -> {};
    private static final Shape STRING = scalar("a string", String.class::isInstance);
    private static final Shape INTEGER =
            scalar("an integer", value -> value instanceof Integer || value instanceof Long);
    private static final Shape BOOLEAN = scalar("a boolean", Boolean.class::isInstance);
    private static final Shape SCALAR = scalar(
            "a string, number or boolean",
            value -> value instanceof String || value instanceof Number || value instanceof Boolean);

    private static Shape scalar(String what, Predicate<Object> test) {
        return (value, path, problems) -> {
            if (!test.test(value)) {
                problems.add(path + ": " + typeAndValue(value) + " is not " + what);
            }
        };
    }

    private static Shape oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return (value, path, problems) -> {
            if (!values.contains(value)) {
                problems.add(path + ": " + value + " is none of " + values);
            }
        };
    }

    private static Shape listOf(Shape item) {
        return (value, path, problems) -> {
            if (!(value instanceof List<?> items)) {
                problems.add(path + ": " + typeAndValue(value) + " is not a list");
                return;
            }
            for (int index = 0; index < items.size(); index++) {
                item.check(items.get(index), path + "[" + index + "]", problems);
            }
        };
    }

    /** A map whose keys are free (Kafka or PostgreSQL settings, labels). */
    private static Shape mapOf(Shape entry) {
        return (value, path, problems) -> {
            if (!(value instanceof Map<?, ?> map)) {
                problems.add(path + ": " + typeAndValue(value) + " is not a map");
                return;
            }
            map.forEach((key, each) -> entry.check(each, child(path, key), problems));
        };
    }

    private static Shape object(Map<String, Shape> fields) {
        return (value, path, problems) -> {
            if (!(value instanceof Map<?, ?> map)) {
                problems.add(path + ": " + typeAndValue(value) + " is not an object");
                return;
            }
            map.forEach((key, each) -> {
                Shape field = fields.get(String.valueOf(key));
                if (field == null) {
                    problems.add(child(path, key) + ": unknown field (known: " + new TreeSet<>(fields.keySet()) + ")");
                } else {
                    field.check(each, child(path, key), problems);
                }
            });
        };
    }

    private static Shape resource(Shape spec) {
        // metadata is checked as fabric8's ObjectMeta
        return object(Map.of("apiVersion", STRING, "kind", STRING, "metadata", ANY, "spec", spec));
    }

    private static final Shape KAFKA_TOPIC = resource(object(Map.of(
            "topicName", STRING,
            "partitions", INTEGER,
            "replicas", INTEGER,
            "config", mapOf(SCALAR))));

    private static final Shape POSTGRES_CLUSTER = resource(object(Map.of(
            "instances", INTEGER,
            "imageName", STRING,
            "storage", object(Map.of("size", STRING, "storageClass", STRING)),
            // PostgreSQL parameters are strings in the CRD: max_connections: 400 would be refused
            "postgresql", object(Map.of("parameters", mapOf(STRING), "pg_hba", listOf(STRING))),
            "bootstrap",
                    object(Map.of(
                            "initdb",
                            object(Map.of(
                                    "database",
                                    STRING,
                                    "owner",
                                    STRING,
                                    "secret",
                                    object(Map.of("name", STRING)),
                                    "postInitApplicationSQL",
                                    listOf(STRING))))),
            "managed",
                    object(Map.of(
                            "roles",
                            listOf(object(Map.of(
                                    "name", STRING,
                                    "ensure", oneOf("present", "absent"),
                                    "login", BOOLEAN,
                                    "comment", STRING,
                                    "connectionLimit", INTEGER,
                                    "inRoles", listOf(STRING),
                                    "passwordSecret", object(Map.of("name", STRING))))))),
            "resources", ANY,
            "affinity", ANY,
            "monitoring", ANY)));

    private static final Shape HTTP_ROUTE = resource(object(Map.of(
            "parentRefs",
                    listOf(object(Map.of(
                            "group",
                            STRING,
                            "kind",
                            STRING,
                            "namespace",
                            STRING,
                            "name",
                            STRING,
                            "sectionName",
                            STRING,
                            "port",
                            INTEGER))),
            "hostnames", listOf(STRING),
            "rules",
                    listOf(object(Map.of(
                            "name", STRING,
                            "matches",
                                    listOf(object(Map.of(
                                            "path",
                                                    object(Map.of(
                                                            "type",
                                                            oneOf("Exact", "PathPrefix", "RegularExpression"),
                                                            "value",
                                                            STRING)),
                                            "method",
                                                    oneOf(
                                                            "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
                                                            "OPTIONS", "TRACE", "PATCH"),
                                            "headers", listOf(ANY),
                                            "queryParams", listOf(ANY)))),
                            "filters", listOf(ANY),
                            "backendRefs",
                                    listOf(object(Map.of(
                                            "group",
                                            STRING,
                                            "kind",
                                            STRING,
                                            "name",
                                            STRING,
                                            "namespace",
                                            STRING,
                                            "port",
                                            INTEGER,
                                            "weight",
                                            INTEGER))),
                            "timeouts", object(Map.of("request", STRING, "backendRequest", STRING))))))));

    private static final Map<String, Shape> CUSTOM_RESOURCE_SHAPES = Map.of(
            "KafkaTopic", KAFKA_TOPIC,
            "Cluster", POSTGRES_CLUSTER,
            "HTTPRoute", HTTP_ROUTE);

    private static final Shape KUSTOMIZATION_SHAPE = object(Map.of(
            "apiVersion", oneOf("kustomize.config.k8s.io/v1beta1"),
            "kind", oneOf("Kustomization"),
            "namespace", STRING,
            "resources", listOf(STRING),
            "components", listOf(STRING),
            "patches",
                    listOf(object(Map.of(
                            "path", STRING,
                            "target",
                                    object(Map.of(
                                            "group",
                                            STRING,
                                            "version",
                                            STRING,
                                            "kind",
                                            STRING,
                                            "name",
                                            STRING,
                                            "namespace",
                                            STRING,
                                            "labelSelector",
                                            STRING,
                                            "annotationSelector",
                                            STRING)),
                            "options", mapOf(BOOLEAN)))),
            "images", listOf(object(Map.of("name", STRING, "newName", STRING, "newTag", STRING, "digest", STRING))),
            "replicas", listOf(object(Map.of("name", STRING, "count", INTEGER))),
            "labels",
                    listOf(object(Map.of(
                            "pairs", mapOf(STRING), "includeSelectors", BOOLEAN, "includeTemplates", BOOLEAN)))));

    // ---------------------------------------------------------------------------------------- small parts

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    private static boolean isKustomization(Path file) {
        return KUSTOMIZATION_FILE.equals(file.getFileName().toString());
    }

    private static boolean isCustomResource(Map<String, Object> tree) {
        String apiVersion = String.valueOf(tree.get("apiVersion"));
        return apiVersion.contains("/")
                && CUSTOM_RESOURCE_GROUPS.contains(apiVersion.substring(0, apiVersion.indexOf('/')));
    }

    private static HasMetadata typed(Map<String, Object> tree) {
        return (HasMetadata) SERIALIZATION.convertValue(tree, KubernetesResource.class);
    }

    private static List<Map<String, Object>> parseYaml(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return parseYamlDocuments(reader, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Map<String, Object> parseYamlText(String text) {
        return onlyOne(parseYamlDocuments(new StringReader(text), "inline YAML"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parseYamlDocuments(Reader reader, String source) {
        LoaderOptions options = new LoaderOptions();
        // a key given twice is a mistake that YAML parsers settle silently, each its own way
        options.setAllowDuplicateKeys(false);
        List<Map<String, Object>> parsed = new ArrayList<>();
        try {
            for (Object document : new Yaml(new SafeConstructor(options)).loadAll(reader)) {
                if (document == null) {
                    continue;
                }
                if (!(document instanceof Map<?, ?>)) {
                    throw new AssertionError(source + ": a document is not a mapping: " + document);
                }
                parsed.add((Map<String, Object>) document);
            }
        } catch (YAMLException e) {
            throw new AssertionError(source + " is not valid YAML: " + e.getMessage(), e);
        }
        return parsed;
    }

    private static Object at(Map<String, Object> tree, String... path) {
        Object node = tree;
        for (String key : path) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapAt(Map<String, Object> tree, String... path) {
        Object node = at(tree, path);
        return node instanceof Map<?, ?> ? (Map<String, Object>) node : null;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> listAt(Map<String, Object> tree, String... path) {
        Object node = at(tree, path);
        return node instanceof List<?> ? (List<Object>) node : List.of();
    }

    /** A list of mappings, such as a route's rules or a kustomization's patches. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objectsAt(Map<String, Object> tree, String... path) {
        List<Object> items = listAt(tree, path);
        items.forEach(item ->
                assertThat(item).as("an item of %s", String.join(".", path)).isInstanceOf(Map.class));
        return (List<Map<String, Object>>) (List<?>) items;
    }

    private static int asInt(Object value) {
        assertThat(value).as("an integer").isInstanceOf(Number.class);
        return ((Number) value).intValue();
    }

    private static Duration springDuration(String value) {
        Matcher duration = SPRING_DURATION.matcher(value.strip());
        assertThat(duration.matches()).as("%s is a duration like 20s", value).isTrue();
        long amount = Long.parseLong(duration.group(1));
        return switch (duration.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    private static String lastPathSegment(String image) {
        String repository = image.split("[:@]", 2)[0];
        return repository.substring(repository.lastIndexOf('/') + 1);
    }

    private static String kindOf(Map<String, Object> tree) {
        return String.valueOf(tree.get("kind"));
    }

    private static String nameOfTree(Map<String, Object> tree) {
        return String.valueOf(at(tree, "metadata", "name"));
    }

    private static String nameOf(HasMetadata resource) {
        return resource.getMetadata().getName();
    }

    private static Map<String, String> labelsOf(Map<String, Object> tree) {
        Map<String, String> labels = new TreeMap<>();
        Map<String, Object> found = mapAt(tree, "metadata", "labels");
        if (found != null) {
            found.forEach((key, value) -> labels.put(key, String.valueOf(value)));
        }
        return labels;
    }

    private static String describe(Map<String, Object> tree) {
        return kindOf(tree) + "/" + nameOfTree(tree);
    }

    private static <T> T onlyOne(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }
}
