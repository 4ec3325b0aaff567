package dev.sharelinks.tokenapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The operators' API: its bearer token, and its refusals as problem details that change nothing. */
class AdminApiIT extends TokenApiIntegrationTest {

    @Test
    void whenTheAdminTokenIsMissingOrWrongThenNothingIsRegistered() {
        String before = query("SELECT count(*) FROM token_api.users");
        for (String authorization :
                List.of("", "Bearer wrong-token", "Basic " + ADMIN_TOKEN, "Bearer " + ADMIN_TOKEN + "x")) {
            WebTestClient.RequestBodySpec request = http.post().uri("/admin/users");
            if (!authorization.isEmpty()) {
                request.header(HttpHeaders.AUTHORIZATION, authorization);
            }
            // a problem detail asking for the admin token, not the Keepeek API's DAM login
            request.contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("login", "intruder", "password", PASSWORD))
                    .exchange()
                    .expectStatus()
                    .isUnauthorized()
                    .expectHeader()
                    .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"Sharelinks admin\"")
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo(401);
        }
        // a DAM user's own credentials do not open the admin API either
        DamLogin administrator = newUser(true);
        as(administrator, http.put().uri("/admin/medias/1"))
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail")
                .isEqualTo("The admin API takes the admin token only");
        assertThat(query("SELECT count(*) FROM token_api.users")).isEqualTo(String.valueOf(Long.parseLong(before) + 1));
    }

    @Test
    void whenRegistrationsAreInvalidThenProblemDetailsSayWhy() {
        DamLogin user = newUser(false);
        admin("POST", "/admin/users", Map.of("login", "short-password", "password", "too short"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .isEqualTo("password must have at least 12 characters");
        // bcrypt reads 72 bytes at most: a longer password would not be what it checks
        admin("POST", "/admin/users", Map.of("login", "long-password", "password", "ä".repeat(37)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .isEqualTo("password must be at most 72 bytes in UTF-8");
        admin("POST", "/admin/users", Map.of("login", user.login(), "password", PASSWORD))
                .expectStatus()
                .isEqualTo(409);
        long mediaId = newMedia(false);
        admin("PUT", "/admin/users/" + user.id() + "/medias/" + mediaId + "/rights", Map.of("rights", List.of("WRITE")))
                .expectStatus()
                .isBadRequest();
        admin("PUT", "/admin/users/" + user.id() + "/medias/999999999999999/rights", Map.of("rights", List.of("READ")))
                .expectStatus()
                .isNotFound();
        admin("POST", "/admin/share-template-domains/999999999/templates", Map.of("name", "Orphan"))
                .expectStatus()
                .isNotFound();
        admin(
                        "PUT",
                        "/admin/medias/" + mediaId,
                        Map.of("title", "No bucket", "original", Map.of("objectKey", "a", "filename", "a.jpg")))
                .expectStatus()
                .isBadRequest();
        admin(
                        "PUT",
                        "/admin/medias/" + mediaId,
                        Map.of(
                                "title",
                                "Bad filename",
                                "bucket",
                                "dam-media",
                                "original",
                                Map.of("objectKey", "a", "filename", "../a.jpg")))
                .expectStatus()
                .isBadRequest();
        assertThat(query("SELECT count(*) FROM token_api.media_rights WHERE user_id = " + user.id()))
                .isEqualTo("0");
        assertThat(query("SELECT title FROM token_api.medias WHERE id = " + mediaId))
                .isEqualTo("Media " + mediaId);
    }

    @Test
    void whenBdTokensNeedTheRenditionThenItCannotBeUnregistered() {
        DamLogin user = newUser(false);
        long mediaId = newMedia(true);
        grantRead(user, mediaId);
        Template template = newTemplate();
        post(user, mediaId, """
                {"title": "t", "exportDefinition": "BD", "templateId": %d, "templateDomainId": %d}""".formatted(template.id(), template.domainId()))
                .expectStatus()
                .isCreated();

        admin(
                        "PUT",
                        "/admin/medias/" + mediaId,
                        Map.of(
                                "title",
                                "Without rendition",
                                "bucket",
                                "dam-media",
                                "original",
                                Map.of("objectKey", "media/" + mediaId + "/original.tif", "filename", "original.tif")))
                .expectStatus()
                .isEqualTo(409);
        assertThat(query("SELECT bd_key FROM token_api.medias WHERE id = " + mediaId))
                .isEqualTo("media/" + mediaId + "/bd.jpg");
    }

    @Test
    void whenABodyOrPathIsMalformedThenAProblemDetailSaysWhatAndNothingIsWritten() {
        DamLogin user = newUser(false);
        long mediaId = newMedia(false);
        String rights = "/admin/users/" + user.id() + "/medias/" + mediaId + "/rights";
        String media = "/admin/medias/" + mediaId;
        String validMedia = "\"bucket\": \"dam-media\", \"original\": {\"objectKey\": \"a\", \"filename\": \"a.jpg\"}";
        record Case(String method, String uri, String body, String detail) {}
        List<Case> cases = List.of(
                new Case("POST", "/admin/users", "{\"login\": ", "the body must be a JSON object"),
                new Case("POST", "/admin/users", "[]", "the body must be a JSON object"),
                new Case("POST", "/admin/users", "{\"login\": null, \"password\": \"" + PASSWORD + "\"}", "login"),
                new Case("POST", "/admin/users", "{\"login\": \"\", \"password\": \"" + PASSWORD + "\"}", "login"),
                new Case(
                        "POST",
                        "/admin/users",
                        "{\"login\": [\"x\"], \"password\": \"" + PASSWORD + "\"}",
                        "login has the wrong type"),
                new Case(
                        "POST",
                        "/admin/users",
                        "{\"login\": \"new-login\", \"password\": \"" + PASSWORD + "\", \"role\": \"root\"}",
                        "unknown property: role"),
                new Case(
                        "PUT",
                        "/admin/users/abc/medias/" + mediaId + "/rights",
                        "{\"rights\": [\"READ\"]}",
                        "userId must be a number"),
                new Case("PUT", rights, "{\"rights\": \"READ\"}", "rights has the wrong type"),
                new Case("PUT", rights, "{\"rights\": [null]}", "rights"),
                new Case("PUT", rights, "{\"rights\": [\"read\"]}", "rights"),
                new Case("POST", "/admin/share-template-domains", "{\"name\": \"\"}", "name"),
                new Case(
                        "POST",
                        "/admin/share-template-domains/abc/templates",
                        "{\"name\": \"t\"}",
                        "domainId must be a number"),
                new Case(
                        "PUT",
                        "/admin/medias/abc",
                        "{\"title\": \"t\", " + validMedia + "}",
                        "mediaId must be a number"),
                new Case(
                        "PUT",
                        media,
                        "{\"title\": \"t\", \"bucket\": \"dam-media\", \"original\": \"a.jpg\"}",
                        "original has the wrong type"),
                new Case(
                        "PUT",
                        media,
                        "{\"title\": \"t\", " + validMedia + ", \"colour\": 1}",
                        "unknown property: colour"),
                // an object key that a normalised URL would turn into another object's
                new Case(
                        "PUT",
                        media,
                        mediaWithKey("../other/original.jpg"),
                        "original.objectKey must not contain '.' or '..' segments"),
                new Case(
                        "PUT",
                        media,
                        mediaWithKey("/media/original.jpg"),
                        "original.objectKey must not start or end with '/'"),
                new Case("PUT", media, mediaWithKey("media//original.jpg"), "original.objectKey must not contain '//'"),
                new Case("PUT", media, mediaWithKey("media/original?.jpg"), "original.objectKey may hold letters"),
                new Case(
                        "PUT",
                        media,
                        "{\"title\": \"t\", \"bucket\": \"dam-media\", \"original\": {\"objectKey\": \"a\", "
                                + "\"filename\": \"report\\u202Efdp.exe\"}}",
                        "original.filename must not contain control"));
        String before = writes();
        SoftAssertions softly = new SoftAssertions();
        for (Case bad : cases) {
            var result = http.method(HttpMethod.valueOf(bad.method()))
                    .uri(bad.uri())
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_TOKEN)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(bad.body())
                    .exchange()
                    .expectBody(String.class)
                    .returnResult();
            String what = bad.method() + " " + bad.uri() + " " + bad.body();
            softly.assertThat(result.getStatus().value()).as(what).isEqualTo(400);
            softly.assertThat(result.getResponseHeaders().getContentType())
                    .as(what)
                    .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            softly.assertThat(result.getResponseBody())
                    .as(what)
                    .contains("\"detail\":\"")
                    .contains(bad.detail());
            softly.assertThat(writes()).as("database after " + what).isEqualTo(before);
        }
        softly.assertAll();
    }

    private static String mediaWithKey(String objectKey) {
        return "{\"title\": \"t\", \"bucket\": \"dam-media\", \"original\": {\"objectKey\": \"" + objectKey
                + "\", \"filename\": \"a.jpg\"}}";
    }

    /** Every row the admin API can write, and the identity sequences (which even a rolled-back insert moves). */
    private String writes() {
        return query("""
                SELECT concat_ws(' | ',
                    (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM token_api.users t),
                    (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM token_api.medias t),
                    (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM token_api.media_rights t),
                    (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))
                     FROM token_api.share_template_domains t),
                    (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM token_api.share_templates t),
                    pg_sequence_last_value(pg_get_serial_sequence('token_api.users', 'id')::regclass),
                    pg_sequence_last_value(pg_get_serial_sequence('token_api.share_template_domains', 'id')::regclass),
                    pg_sequence_last_value(pg_get_serial_sequence('token_api.share_templates', 'id')::regclass))""");
    }

    private WebTestClient.ResponseSpec admin(String method, String uri, Object body) {
        return http.method(HttpMethod.valueOf(method))
                .uri(uri)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }
}
