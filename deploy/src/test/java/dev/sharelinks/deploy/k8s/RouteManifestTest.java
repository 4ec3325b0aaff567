package dev.sharelinks.deploy.k8s;

import static dev.sharelinks.deploy.k8s.Kustomizations.SERVICES;
import static dev.sharelinks.deploy.k8s.Kustomizations.nameOf;
import static dev.sharelinks.deploy.k8s.Kustomizations.onlyOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The way in, as kustomize renders it: the Gateway API route sends each public request to the service that serves it,
 * on the public hosts the services name in their URLs, and the network policies let the gateway reach those services
 * and nothing else in.
 */
@DisabledIfEnvironmentVariable(
        named = Kustomizations.SKIP_RENDERED,
        matches = "true",
        disabledReason = Kustomizations.SKIPPED_WITHOUT_KUBECTL)
class RouteManifestTest {

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
        for (RenderedManifests overlay : Kustomizations.overlays().toList()) {
            var services = PublicRoute.of(overlay).servicesTaking(method, path);
            // one rule at most: implementations rank a regular expression against a prefix each their own way
            assertEquals(expected.equals("nowhere") ? List.of() : List.of(expected), services, overlay + ":");
        }
    }

    @ParameterizedTest
    @MethodSource(Kustomizations.EACH_OVERLAY)
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
    @MethodSource(Kustomizations.EACH_OVERLAY)
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
}
