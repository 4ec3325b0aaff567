package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.infra.CapabilityHeaders;
import dev.sharelinks.infra.SharedServers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.core.type.TypeReference;

class AuthenticationIT extends LinkApiIntegrationTest {

    @Test
    void whenTheApiKeyIsMissingOrWrongThenEveryRouteAnswers401() {
        TestAccount account = newAccount("bucket-auth");
        long link = createLink(account, 1);
        String[][] routes = {
            {"POST", "/api/v2/shareable_links"},
            {"POST", "/api/v2/shareable_links/share"},
            {"DELETE", "/api/v2/shareable_links/" + link},
            {"GET", "/api/v2/shareable_links/" + link + "/info"}
        };
        for (String[] route : routes) {
            for (String key : new String[] {null, "", "slk_wrong", account.apiKey() + "x"}) {
                var request =
                        http.method(HttpMethod.valueOf(route[0])).uri(route[1]).contentType(MediaType.APPLICATION_JSON);
                if (key != null) {
                    request = request.header("X-API-KEY", key);
                }
                request.bodyValue("{}")
                        .exchange()
                        .expectStatus()
                        .isUnauthorized()
                        .expectBody()
                        .json("{\"error\": \"Unauthorized\"}", true);
            }
        }
    }

    @Test
    void whenAKeyIsRevokedThenItStopsWorkingAndTheAccountsOtherKeyGoesOn() {
        TestAccount account = newAccount("bucket-rotate");
        long firstKeyId = Long.parseLong(SharedServers.postgres()
                .query(DATABASE, "SELECT min(id) FROM link_api.api_keys WHERE account_id = " + account.id()));
        String second = (String) http.post()
                .uri("/admin/accounts/{id}/api-keys", account.id())
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("apiKey");
        TestAccount other = newAccount("bucket-rotate-other");

        // both keys authenticate (the link is unknown: 404, not 401)
        info(account.apiKey()).expectStatus().isNotFound();
        info(second).expectStatus().isNotFound();
        // another account cannot revoke the key, nor can its id be guessed under another account
        http.delete()
                .uri("/admin/accounts/{id}/api-keys/{key}", other.id(), firstKeyId)
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isNotFound();
        info(account.apiKey()).expectStatus().isNotFound();

        http.delete()
                .uri("/admin/accounts/{id}/api-keys/{key}", account.id(), firstKeyId)
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isNoContent();
        info(account.apiKey()).expectStatus().isUnauthorized();
        info(second).expectStatus().isNotFound();

        // the listing shows both keys, when each was last used and which is revoked, and never a key
        String listed = listedKeys(account.id());
        assertThat(listed).doesNotContain(account.apiKey(), second);
        List<Map<String, Object>> keys = JSON.readValue(listed, new TypeReference<>() {});
        assertThat(keys).extracting(key -> ((Number) key.get("id")).longValue()).startsWith(firstKeyId);
        assertThat(keys)
                .hasSize(2)
                .allSatisfy(key -> assertThat(key)
                        .containsOnlyKeys("id", "createdAt", "lastUsedAt", "revokedAt")
                        .extractingByKey("lastUsedAt")
                        .as("both were used")
                        .isNotNull());
        assertThat(keys.get(0).get("revokedAt")).isNotNull();
        assertThat(keys.get(1).get("revokedAt")).isNull();
        // another account's listing is its own; an unknown account is a 404; the listing needs the admin token
        assertThat(listedKeys(other.id())).doesNotContain("\"id\":" + firstKeyId + ",");
        http.get()
                .uri("/admin/accounts/999999999/api-keys")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isNotFound();
        http.get()
                .uri("/admin/accounts/{id}/api-keys", account.id())
                .header("X-API-KEY", second)
                .exchange()
                .expectStatus()
                .isForbidden();
    }

    /** A link's answer holds its URL, a capability: never cached, sniffed, or sent on as a referrer. */
    @Test
    void everyAnswerCarriesTheSecurityHeadersRefusalsAndUnknownPathsToo() {
        TestAccount account = newAccount("bucket-headers");
        long link = createLink(account, 1);
        List<WebTestClient.ResponseSpec> answers = List.of(
                http.get()
                        .uri("/api/v2/shareable_links/{id}/info", link)
                        .header("X-API-KEY", account.apiKey())
                        .exchange()
                        .expectStatus()
                        .isOk(),
                info(account.apiKey()).expectStatus().isNotFound(),
                info("slk_wrong").expectStatus().isUnauthorized(),
                http.get()
                        .uri("/api/v2/shareable_links/{id}/info", link)
                        .exchange()
                        .expectStatus()
                        .isUnauthorized(),
                http.get()
                        .uri("/no/such/path")
                        .header("X-API-KEY", account.apiKey())
                        .exchange()
                        .expectStatus()
                        .is4xxClientError());
        for (int i = 0; i < answers.size(); i++) {
            HttpHeaders headers = answers.get(i).returnResult(Void.class).getResponseHeaders();
            CapabilityHeaders.assertOn("answer " + i, headers::getFirst);
        }
    }

    @Test
    void whenAKeyIsIssuedThenOnlyItsSha256DigestIsStored() throws Exception {
        TestAccount account = newAccount("bucket-digest");
        String stored = SharedServers.postgres()
                .query(
                        DATABASE,
                        "SELECT encode(key_hash, 'hex') FROM link_api.api_keys WHERE account_id = " + account.id());
        assertThat(stored)
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(account.apiKey().getBytes(StandardCharsets.UTF_8))));
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT count(*) FROM link_api.api_keys t " + "WHERE t::text LIKE '%"
                                        + account.apiKey().substring(4) + "%'"))
                .isEqualTo("0");
    }

    /** The admin API's listing of the account's keys, as its JSON body. */
    private String listedKeys(long accountId) {
        return http.get()
                .uri("/admin/accounts/{id}/api-keys", accountId)
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    private WebTestClient.ResponseSpec info(String apiKey) {
        return http.get()
                .uri("/api/v2/shareable_links/999999999/info")
                .header("X-API-KEY", apiKey)
                .exchange();
    }

    @Test
    void whenTheAdminTokenIsWrongOrAnAccountKeyIsUsedThenTheAdminApiRefuses() {
        TestAccount account = newAccount("bucket-admin");
        http.post()
                .uri("/admin/accounts")
                .header("Authorization", "Bearer nope")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "x", "bucket", "bucket-x"))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals("WWW-Authenticate", "Bearer realm=\"Sharelinks admin\"")
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http.post()
                .uri("/admin/accounts")
                .header("X-API-KEY", account.apiKey())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "x", "bucket", "bucket-x"))
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.detail")
                .isEqualTo("The admin API takes the admin token only");
        // without any credential: the same problem detail, where the vendor API answers MediaPocket's 401
        http.get()
                .uri("/admin/accounts/{id}", account.id())
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http.post()
                .uri("/admin/accounts")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "x", "bucket", "Not_A_Bucket"))
                .exchange()
                .expectStatus()
                .isBadRequest();
    }
}
