package dev.sharelinks.tokenapi;

import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Boots token-api against the real PostgreSQL and Kafka of {@link SharedServers}. Helpers set up users, medias,
 * rights and templates through the admin API, as an operator would; every test works on its own media so tests
 * never see each other's tokens.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
abstract class TokenApiIntegrationTest {

    static final String ADMIN_TOKEN = "test-admin-token";
    static final String DATABASE = "token_api_test";
    static final String SHARE_BASE_URL = "http://redirector.test";
    static final String PASSWORD = "correct horse battery staple";
    /** The key that seals token values here, and one a rotation replaced, which still opens what it sealed. */
    static final String SEALING_KEY = "t2:"
            + Base64.getEncoder().encodeToString(new byte[] {
                2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2
            });

    static final String OLD_SEALING_KEY = "t1:"
            + Base64.getEncoder().encodeToString(new byte[] {
                1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
            });

    static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};

    @Autowired
    WebTestClient http;

    @DynamicPropertySource
    static void realServers(DynamicPropertyRegistry registry) {
        PostgresServer postgres = SharedServers.postgres();
        postgres.createDatabase(DATABASE);
        registry.add("DB_PORT", postgres::port);
        registry.add("DB_NAME", () -> DATABASE);
        registry.add("KAFKA_BOOTSTRAP", () -> SharedServers.kafka().bootstrapServers());
        // a group member that did not leave cleanly (a consumer closed around a broker restart) holds the group's next
        // rebalance for the session timeout: 10 s here, as on the local stack, not Kafka's 45
        registry.add("spring.kafka.consumer.properties[session.timeout.ms]", () -> "10000");
        registry.add("ADMIN_TOKEN", () -> ADMIN_TOKEN);
        registry.add("PUBLIC_SHARE_BASE_URL", () -> SHARE_BASE_URL);
        registry.add("TOKEN_SEALING_KEYS", () -> SEALING_KEY + "," + OLD_SEALING_KEY);
        // no redirector here to wait for: the deploy tests run the waits against real ones
        registry.add("READ_YOUR_WRITES_GROUP", () -> "");
    }

    /** A fresh user; administrators need no rights on medias. */
    DamLogin newUser(boolean administrator) {
        String login = (administrator ? "admin-" : "user-") + UUID.randomUUID();
        Map<String, Object> created = admin(http.post().uri("/admin/users"))
                .bodyValue(Map.of("login", login, "password", PASSWORD, "administrator", administrator))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
        return new DamLogin(((Number) created.get("id")).longValue(), login, PASSWORD);
    }

    /** A fresh media with an original and, if asked, a low-definition rendition. */
    long newMedia(boolean withLowDefinition) {
        long mediaId = ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000_000L);
        Map<String, Object> registration = new HashMap<>(Map.of(
                "title",
                "Media " + mediaId,
                "bucket",
                "dam-media",
                "original",
                Map.of("objectKey", "media/" + mediaId + "/original.tif", "filename", "original.tif")));
        if (withLowDefinition) {
            registration.put(
                    "lowDefinition", Map.of("objectKey", "media/" + mediaId + "/bd.jpg", "filename", "preview.jpg"));
        }
        admin(http.put().uri("/admin/medias/{id}", mediaId))
                .bodyValue(registration)
                .exchange()
                .expectStatus()
                .isOk();
        return mediaId;
    }

    void grantRead(DamLogin user, long mediaId) {
        admin(http.put().uri("/admin/users/{user}/medias/{media}/rights", user.id(), mediaId))
                .bodyValue(Map.of("rights", List.of("READ")))
                .exchange()
                .expectStatus()
                .isOk();
    }

    /** A new template domain with one template. */
    Template newTemplate() {
        Map<String, Object> domain = admin(http.post().uri("/admin/share-template-domains"))
                .bodyValue(Map.of("name", "Domain"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
        long domainId = ((Number) domain.get("id")).longValue();
        Map<String, Object> template = admin(http.post().uri("/admin/share-template-domains/{id}/templates", domainId))
                .bodyValue(Map.of("name", "Press kit"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
        return new Template(((Number) template.get("id")).longValue(), domainId);
    }

    WebTestClient.RequestHeadersSpec<?> as(DamLogin user, WebTestClient.RequestHeadersSpec<?> request) {
        return request.header(
                "Authorization",
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        (user.login() + ":" + user.password()).getBytes(StandardCharsets.UTF_8)));
    }

    WebTestClient.ResponseSpec post(DamLogin user, long mediaId, String json) {
        return as(
                        user,
                        http.post()
                                .uri("/api/dam/medias/{media}/share/tokens", mediaId)
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(json))
                .exchange();
    }

    WebTestClient.ResponseSpec put(DamLogin user, long mediaId, String tokenValue, String json) {
        return as(
                        user,
                        http.put()
                                .uri("/api/dam/medias/{media}/share/tokens/{value}", mediaId, tokenValue)
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(json))
                .exchange();
    }

    WebTestClient.ResponseSpec get(DamLogin user, String uri, Object... variables) {
        return as(user, http.get().uri(uri, variables)).exchange();
    }

    WebTestClient.ResponseSpec delete(DamLogin user, long mediaId, String tokenValue) {
        return as(user, http.delete().uri("/api/dam/medias/{media}/share/tokens/{value}", mediaId, tokenValue))
                .exchange();
    }

    /** Creates an HD token with the given extra JSON attributes; returns its body. */
    Map<String, Object> createToken(DamLogin user, long mediaId, Template template, String extraAttributes) {
        return post(user, mediaId, """
                {"title": "Press kit", "exportDefinition": "HD", "templateId": %d, "templateDomainId": %d%s}""".formatted(
                        template.id(), template.domainId(), extraAttributes.isEmpty() ? "" : ", " + extraAttributes))
                .expectStatus()
                .isCreated()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
    }

    /** A JSON object nested in a response. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    String query(String sql) {
        return SharedServers.postgres().query(DATABASE, sql);
    }

    String tokensOf(long mediaId) {
        return query("SELECT count(*) FROM token_api.share_tokens WHERE media_id = " + mediaId);
    }

    private WebTestClient.RequestBodySpec admin(WebTestClient.RequestBodySpec request) {
        return request.header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(MediaType.APPLICATION_JSON);
    }

    record DamLogin(long id, String login, String password) {}

    record Template(long id, long domainId) {}
}
