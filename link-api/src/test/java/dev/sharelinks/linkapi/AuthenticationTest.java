package dev.sharelinks.linkapi;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

class AuthenticationTest extends LinkApiIntegrationTest {

    @Test
    void whenTheApiKeyIsMissingOrWrongThenEveryRouteAnswers401() {
        TestAccount account = newAccount("bucket-auth");
        long link = createLink(account, 1);
        String[][] routes = {
                {"POST", "/api/v2/shareable_links"},
                {"POST", "/api/v2/shareable_links/share"},
                {"DELETE", "/api/v2/shareable_links/" + link},
                {"GET", "/api/v2/shareable_links/" + link + "/info"}};
        for (String[] route : routes) {
            for (String key : new String[] {null, "", "slk_wrong", account.apiKey() + "x"}) {
                var request = http.method(HttpMethod.valueOf(route[0])).uri(route[1])
                        .contentType(MediaType.APPLICATION_JSON);
                if (key != null) {
                    request = request.header("X-API-KEY", key);
                }
                request.bodyValue("{}").exchange()
                        .expectStatus().isUnauthorized()
                        .expectBody().json("{\"error\": \"Unauthorized\"}", true);
            }
        }
    }

    @Test
    void whenAKeyIsRevokedThenItStopsWorkingAndANewOneWorks() {
        TestAccount account = newAccount("bucket-rotate");
        Map<?, ?> second = http.post().uri("/admin/accounts/{id}/api-keys", account.id())
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        long firstKeyId = ((Number) http.post().uri("/admin/accounts")
                .header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "unused", "bucket", "bucket-unused")).exchange()
                .expectBody(Map.class).returnResult().getResponseBody().get("apiKeyId")).longValue();

        http.get().uri("/api/v2/shareable_links/1/info").header("X-API-KEY", (String) second.get("apiKey"))
                .exchange().expectStatus().isNotFound();
        http.delete().uri("/admin/accounts/{id}/api-keys/{key}", account.id(), firstKeyId)
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange().expectStatus().isNotFound();
    }

    @Test
    void whenTheAdminTokenIsWrongOrAnAccountKeyIsUsedThenTheAdminApiRefuses() {
        TestAccount account = newAccount("bucket-admin");
        http.post().uri("/admin/accounts").header("Authorization", "Bearer nope")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "x", "bucket", "bucket-x"))
                .exchange().expectStatus().isUnauthorized();
        http.post().uri("/admin/accounts").header("X-API-KEY", account.apiKey())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "x", "bucket", "bucket-x"))
                .exchange().expectStatus().isForbidden();
        http.post().uri("/admin/accounts").header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "x", "bucket", "Not_A_Bucket"))
                .exchange().expectStatus().isBadRequest();
    }
}
