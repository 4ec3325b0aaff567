package dev.sharelinks.tokenapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.infra.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Every refusal of the contract, and ours: the status, the Keepeek error body carrying the code, and that the
 * refused request changed nothing.
 */
class ShareTokenRefusalIT extends TokenApiIntegrationTest {

    @LocalServerPort
    int port;

    private DamLogin reader;
    private DamLogin stranger;
    private DamLogin administrator;
    private Template template;
    private long mediaId;
    private Map<String, Object> token;
    private String tokenValue;
    private String tokenRow;
    private String writes;

    @BeforeEach
    void media() {
        reader = newUser(false);
        stranger = newUser(false);
        administrator = newUser(true);
        template = newTemplate();
        mediaId = newMedia(false);
        grantRead(reader, mediaId);
        token = createToken(reader, mediaId, template, "\"suffix\": \".jpg\"");
        tokenValue = (String) token.get("tokenValue");
        tokenRow = tokenRow();
        writes = writes();
    }

    @Test
    void whenTheCallerDoesNotAuthenticateThen401WithABasicChallenge() {
        String uri = "/api/dam/medias/" + mediaId + "/share/tokens";
        List<WebTestClient.RequestHeadersSpec<?>> unauthenticated = List.of(
                http.get().uri(uri),
                http.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Basic bm90OmJhc2U2NA=="),
                // the reader's password passed in media(), and a wrong one after it is still refused
                as(
                        new DamLogin(reader.id(), reader.login(), "wrong password!"),
                        http.get().uri(uri)),
                as(new DamLogin(0, "nobody", PASSWORD), http.get().uri(uri)),
                http.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_TOKEN));
        for (WebTestClient.RequestHeadersSpec<?> request : unauthenticated) {
            request.exchange()
                    .expectStatus()
                    .isUnauthorized()
                    .expectHeader()
                    .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Sharelinks\"")
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo(401)
                    .jsonPath("$.code")
                    .isEqualTo("unauthorized");
        }
    }

    @Test
    void whenAUserIsDisabledThenItNoLongerAuthenticatesAndItsTokensStay() {
        // its password has just passed, so it would pass again without bcrypt: the disabling still counts at once
        get(reader, "/api/dam/medias/{media}/share/tokens", mediaId)
                .expectStatus()
                .isOk();
        http.delete()
                .uri("/admin/users/{id}", reader.id())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isNoContent();
        get(reader, "/api/dam/medias/{media}/share/tokens", mediaId)
                .expectStatus()
                .isUnauthorized();
        assertThat(tokenRow()).isEqualTo(tokenRow);
    }

    @Test
    void whenTheUserHasNoReadRightThenEveryOperationIsForbidden() {
        String tokens = "/api/dam/medias/" + mediaId + "/share/tokens";
        expectError(get(stranger, tokens), 403, "share-token-operation-forbidden");
        expectError(get(stranger, tokens + "/" + token.get("id")), 403, "share-token-operation-forbidden");
        expectError(post(stranger, mediaId, validBody()), 403, "share-token-operation-forbidden");
        expectError(
                put(stranger, mediaId, tokenValue, "{\"title\": \"x\", \"exportDefinition\": \"HD\"}"),
                403,
                "share-token-operation-forbidden");
        expectError(delete(stranger, mediaId, tokenValue), 403, "share-token-operation-forbidden");
        // a token that does not exist is not revealed to whoever may not read the media
        expectError(get(stranger, tokens + "/unknown-token-value"), 403, "share-token-operation-forbidden");
        assertUnchanged();
    }

    @Test
    void whenAReaderDeletesThenForbiddenBecauseDeletingNeedsAnAdministrator() {
        expectError(delete(reader, mediaId, tokenValue), 403, "share-token-operation-forbidden");
        assertUnchanged();
    }

    @Test
    void whenRightsAreTakenAwayThenTheUserIsForbidden() {
        http.put()
                .uri("/admin/users/{user}/medias/{media}/rights", reader.id(), mediaId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("rights", List.of()))
                .exchange()
                .expectStatus()
                .isOk();
        expectError(
                get(reader, "/api/dam/medias/{media}/share/tokens", mediaId), 403, "share-token-operation-forbidden");
    }

    @Test
    void whenTheMediaDoesNotExistThenMediaNotFoundOnEveryEndpoint() {
        for (String media : List.of("999999999999999", "not-a-media-id", "-1")) {
            String tokens = "/api/dam/medias/" + media + "/share/tokens";
            for (DamLogin user : List.of(reader, administrator)) {
                expectError(get(user, tokens), 404, "share-token-media-not-found");
                expectError(get(user, tokens + "/" + token.get("id")), 404, "share-token-media-not-found");
                expectError(
                        as(
                                        user,
                                        http.post()
                                                .uri(tokens)
                                                .contentType(MediaType.APPLICATION_JSON)
                                                .bodyValue(validBody()))
                                .exchange(),
                        404,
                        "share-token-media-not-found");
                expectError(
                        as(
                                        user,
                                        http.put()
                                                .uri(tokens + "/" + tokenValue)
                                                .contentType(MediaType.APPLICATION_JSON)
                                                .bodyValue("{\"title\": \"x\", \"exportDefinition\": \"HD\"}"))
                                .exchange(),
                        404,
                        "share-token-media-not-found");
                expectError(
                        as(user, http.delete().uri(tokens + "/" + tokenValue)).exchange(),
                        404,
                        "share-token-media-not-found");
            }
        }
        assertUnchanged();
    }

    @Test
    void whenTheTokenIsUnknownOrOfAnotherMediaThenTokenNotFound() {
        long otherMedia = newMedia(false);
        grantRead(reader, otherMedia);
        String otherTokens = "/api/dam/medias/" + otherMedia + "/share/tokens";
        for (String reference : List.of(tokenValue, String.valueOf(token.get("id")), "unknown-token-value", "0")) {
            expectError(get(reader, otherTokens + "/" + reference), 404, "share-token-not-found");
            expectError(
                    put(reader, otherMedia, reference, "{\"title\": \"x\", \"exportDefinition\": \"HD\"}"),
                    404,
                    "share-token-not-found");
            expectError(delete(administrator, otherMedia, reference), 404, "share-token-not-found");
        }
        assertUnchanged();
    }

    @Test
    void whenRequiredAttributesAreMissingThenOne400NamesThemAllAndNothingIsWritten() {
        String before = tokensOf(mediaId);
        expectError(post(reader, mediaId, "{}"), 400, "share-token-invalid-request")
                .jsonPath("$.message")
                .isEqualTo("Missing attributes: title, exportDefinition, templateId, templateDomainId");
        expectError(post(reader, mediaId, """
                {"title": "t", "exportDefinition": "HD", "templateId": %d}""".formatted(template.id())), 400, "share-token-invalid-request")
                .jsonPath("$.message")
                .isEqualTo("Missing attributes: templateDomainId");
        expectError(put(reader, mediaId, tokenValue, "{\"suffix\": \".png\"}"), 400, "share-token-invalid-request")
                .jsonPath("$.message")
                .isEqualTo("Missing attributes: title, exportDefinition");
        assertThat(tokensOf(mediaId)).isEqualTo(before);
        assertUnchanged();
    }

    @Test
    void whenAttributesHaveTheWrongTypeOrValueThen400SaysWhich() {
        record Case(Map<String, String> attributes, String message) {}
        List<Case> cases = List.of(
                new Case(Map.of("title", "42"), "title must be a string"),
                new Case(Map.of("title", "\"   \""), "title must be 1 to 255 characters"),
                new Case(Map.of("exportDefinition", "\"4K\""), "exportDefinition must be one of [NOT_GRANTED, BD, HD]"),
                new Case(Map.of("exportDefinition", "\"hd\""), "exportDefinition must be one of"),
                new Case(Map.of("templateId", "\"seven\""), "templateId must be a positive integer"),
                new Case(Map.of("templateDomainId", "-3"), "templateDomainId must be a positive integer"),
                new Case(Map.of("manualActivate", "\"yes\""), "manualActivate must be true or false"),
                new Case(Map.of("activationDate", "\"16/08/2021\""), "activationDate must be an ISO-8601 date-time"),
                new Case(Map.of("deactivationDate", "\"2021-08-16T12:14:03\""), "deactivationDate must be an ISO-8601"),
                new Case(
                        Map.of(
                                "activationDate",
                                "\"2021-08-17T00:00:00Z\"",
                                "deactivationDate",
                                "\"2021-08-16T00:00:00Z\""),
                        "activationDate must be before deactivationDate"),
                new Case(Map.of("suffix", "\"with space\""), "suffix must be up to 255 characters a URL carries"),
                new Case(Map.of("suffix", "\"#fragment\""), "suffix must be up to 255"),
                new Case(Map.of("suffix", "\"" + "x".repeat(256) + "\""), "suffix must be up to 255"),
                new Case(Map.of("suffix", "7"), "suffix must be up to 255"),
                new Case(Map.of("suffix", "\"<b>\""), "suffix must be up to 255"),
                new Case(Map.of("suffix", "\"100%\""), "suffix must be up to 255"),
                new Case(Map.of("suffix", "\"/../admin\""), "suffix must not hold a '.' or '..' path segment"),
                new Case(Map.of("suffix", "\"/a/.\""), "suffix must not hold a '.' or '..' path segment"),
                new Case(Map.of("tokenValue", "\"short\""), "tokenValue must be 16 to 128"),
                new Case(Map.of("tokenValue", "\"1234567890123456\""), "tokenValue must be 16 to 128"),
                new Case(Map.of("expiryDate", "\"2030-01-01\""), "Unknown attributes: expiryDate"),
                // nulls, empty strings, out-of-range numbers, other date formats, non-ASCII
                new Case(Map.of("title", "null"), "Missing attributes: title"),
                new Case(
                        Map.of("exportDefinition", "null", "templateId", "null"),
                        "Missing attributes: exportDefinition, templateId"),
                new Case(Map.of("title", "\"\""), "title must be 1 to 255 characters"),
                new Case(Map.of("title", "\"a\\u0000b\""), "title must be 1 to 255 characters"),
                new Case(Map.of("title", "\"a\\ud800b\""), "title must be 1 to 255 characters"),
                new Case(Map.of("title", "\"" + "é".repeat(256) + "\""), "title must be 1 to 255 characters"),
                new Case(Map.of("exportDefinition", "\"\""), "exportDefinition must be one of"),
                new Case(Map.of("exportDefinition", "\"ＨＤ\""), "exportDefinition must be one of"),
                new Case(Map.of("templateId", "\"\""), "templateId must be a positive integer"),
                new Case(Map.of("templateId", "99999999999999999999"), "templateId must be a positive integer"),
                new Case(Map.of("templateId", "1.5"), "templateId must be a positive integer"),
                new Case(Map.of("templateId", "0"), "templateId must be a positive integer"),
                new Case(Map.of("templateDomainId", "\"\u0661\""), "templateDomainId must be a positive integer"),
                new Case(Map.of("manualActivate", "\"\""), "manualActivate must be true or false"),
                new Case(
                        Map.of("manualActivate", "null", "activationDate", "\"\""),
                        "activationDate must be an ISO-8601 date-time"),
                new Case(Map.of("activationDate", "\"2021-08-16\""), "activationDate must be an ISO-8601 date-time"),
                // dates nobody means, which would print as "+99999-..." rather than RFC 3339
                new Case(
                        Map.of("deactivationDate", "\"+99999-01-01T00:00:00Z\""),
                        "deactivationDate must be in the years 1970 to 9999"),
                new Case(
                        Map.of("activationDate", "\"1969-12-31T23:59:59Z\""),
                        "activationDate must be in the years 1970 to 9999"),
                new Case(Map.of("activationDate", "1629116043"), "activationDate must be an ISO-8601 date-time"),
                new Case(
                        Map.of("activationDate", "\"Mon, 16 Aug 2021 12:14:03 GMT\""),
                        "activationDate must be an ISO-8601 date-time"),
                new Case(
                        Map.of("activationDate", "\"2021-02-30T12:14:03Z\""),
                        "activationDate must be an ISO-8601 date-time"),
                new Case(
                        Map.of("deactivationDate", "\"\u0662\u0660\u0662\u0661-08-16T12:14:03Z\""),
                        "deactivationDate must be an ISO-8601 date-time"),
                new Case(Map.of("suffix", "\"é\""), "suffix must be up to 255"),
                new Case(Map.of("suffix", "\"a\\r\\nb\""), "suffix must be up to 255"),
                new Case(Map.of("tokenValue", "\"ééééééééééééééééé\""), "tokenValue must be 16 to 128"),
                new Case(Map.of("tokenValue", "\"\""), "tokenValue must be 16 to 128"));
        for (Case invalid : cases) {
            Map<String, String> attributes = new LinkedHashMap<>(Map.of(
                    "title",
                    "\"t\"",
                    "exportDefinition",
                    "\"HD\"",
                    "templateId",
                    String.valueOf(template.id()),
                    "templateDomainId",
                    String.valueOf(template.domainId())));
            attributes.putAll(invalid.attributes());
            String body = attributes.entrySet().stream()
                    .map(a -> "\"" + a.getKey() + "\": " + a.getValue())
                    .collect(Collectors.joining(", ", "{", "}"));
            expectError(post(reader, mediaId, body), 400, "share-token-invalid-request")
                    .jsonPath("$.message")
                    .value(String.class, text -> assertThat(text).contains(invalid.message()));
        }
        expectError(
                        put(
                                reader,
                                mediaId,
                                tokenValue,
                                "{\"title\": \"t\", \"exportDefinition\": \"HD\", \"manualActivate\": 1}"),
                        400,
                        "share-token-invalid-request")
                .jsonPath("$.message")
                .isEqualTo("manualActivate must be true or false");
        expectError(
                        put(
                                reader,
                                mediaId,
                                tokenValue,
                                "{\"title\": \"t\", \"exportDefinition\": \"HD\", "
                                        + "\"tokenValue\": \"a-brand-new-token-value\"}"),
                        400,
                        "share-token-invalid-request")
                .jsonPath("$.message")
                .isEqualTo("tokenValue identifies the token and cannot be changed");
        assertUnchanged();
    }

    @Test
    void whenTheTemplateIsUnknownOrOfAnotherDomainThen400TemplateNotFound() {
        Template other = newTemplate();
        for (String ids : List.of(
                "%d, \"templateDomainId\": %d".formatted(template.id(), other.domainId()),
                "%d, \"templateDomainId\": %d".formatted(999_999_999, template.domainId()))) {
            expectError(post(reader, mediaId, """
                    {"title": "t", "exportDefinition": "HD", "templateId": %s}""".formatted(ids)), 400, "share-token-template-not-found");
        }
        expectError(
                put(reader, mediaId, tokenValue, """
                {"title": "t", "exportDefinition": "HD", "templateId": %d, "templateDomainId": %d}""".formatted(other.id(), template.domainId())),
                400,
                "share-token-template-not-found");
        assertUnchanged();
    }

    @Test
    void whenTheMediaHasNoLowDefinitionRenditionThenBdIsRefused() {
        expectError(post(reader, mediaId, validBody().replace("\"HD\"", "\"BD\"")), 400, "share-token-invalid-request")
                .jsonPath("$.message")
                .value(String.class, text -> assertThat(text).contains("low-definition"));
        assertUnchanged();
    }

    @Test
    void whenAValueOrPublicUrlIsAlreadyTakenThen400AlreadyExists() {
        String imported = "imported-token-value-0001";
        post(reader, mediaId, validBody().replace("}", ", \"tokenValue\": \"" + imported + "\"}"))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.tokenValue")
                .isEqualTo(imported);
        writes = writes();

        // the same value again, even on another media
        long otherMedia = newMedia(false);
        grantRead(reader, otherMedia);
        expectError(
                post(reader, otherMedia, validBody().replace("}", ", \"tokenValue\": \"" + imported + "\"}")),
                400,
                "share-token-create-all-ready-exist");
        // a value plus suffix that spells an existing token's public URL
        expectError(
                post(
                        reader,
                        mediaId,
                        validBody()
                                .replace(
                                        "}",
                                        ", \"tokenValue\": \"" + tokenValue.substring(0, 16) + "\", \"suffix\": \""
                                                + tokenValue.substring(16) + ".jpg\"}")),
                400,
                "share-token-create-all-ready-exist");
        // a PUT taking another token's value
        expectError(
                put(
                        reader,
                        mediaId,
                        tokenValue,
                        "{\"title\": \"t\", \"exportDefinition\": \"HD\", \"tokenValue\": \"" + imported + "\"}"),
                400,
                "share-token-create-all-ready-exist");
        assertUnchanged();
        // a PUT whose suffix makes a token answer another token's public URL
        String prefix = imported.substring(0, imported.length() - 2);
        post(reader, mediaId, validBody().replace("}", ", \"tokenValue\": \"" + prefix + "\"}"))
                .expectStatus()
                .isCreated();
        writes = writes();
        String prefixRow =
                query("SELECT t::text FROM token_api.share_tokens t WHERE value_digest = sha256('" + prefix + "')");
        expectError(
                put(
                        reader,
                        mediaId,
                        prefix,
                        "{\"title\": \"t\", \"exportDefinition\": \"HD\", \"suffix\": \""
                                + imported.substring(imported.length() - 2) + "\"}"),
                400,
                "share-token-create-all-ready-exist");
        assertThat(query("SELECT t::text FROM token_api.share_tokens t WHERE value_digest = sha256('" + prefix + "')"))
                .isEqualTo(prefixRow);
        assertThat(tokensOf(otherMedia)).isEqualTo("0");
        assertUnchanged();
    }

    /** An unmapped path or a method a path does not take, under Keepeek's paths: Keepeek's format still. */
    @Test
    void whenNoRouteAnswersThenTheRefusalIsInKeepeeksFormat() throws Exception {
        expectError(get(reader, "/api/dam/medias/" + mediaId + "/share/nothing-here/at-all"), 404, "not-found");
        expectError(get(reader, "/api/dam/no-such-resource"), 404, "not-found");
        expectError(
                        as(reader, http.patch().uri("/api/dam/medias/" + mediaId + "/share/tokens"))
                                .exchange(),
                        405,
                        "method-not-allowed")
                .jsonPath("$.message")
                .isEqualTo("Method Not Allowed");
        expectError(
                get(reader, "/api/dam/medias/" + mediaId + "/share/tokens?page={page}", "1".repeat(5000)),
                414,
                "uri-too-long");
        // an encoded slash or NUL in a path segment names nothing
        for (String segment : List.of("1%2F2", "1%002", "%00")) {
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/dam/medias/" + segment
                                            + "/share/tokens"))
                                    .header(
                                            "Authorization",
                                            "Basic "
                                                    + Base64.getEncoder()
                                                            .encodeToString((reader.login() + ":" + reader.password())
                                                                    .getBytes(StandardCharsets.UTF_8)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(segment).isIn(400, 404);
            assertThat(answer.body()).as(segment).startsWith("{\"status\":" + answer.statusCode() + ",\"code\":");
        }
    }

    @Test
    void whenTheBodyIsNotJsonOrTooLargeThenAClearErrorInTheContractsFormat() {
        String tokens = "/api/dam/medias/" + mediaId + "/share/tokens";
        expectError(post(reader, mediaId, "{\"title\": "), 400, "share-token-invalid-request")
                .jsonPath("$.message")
                .isEqualTo("The request body is not valid JSON");
        expectError(post(reader, mediaId, "[1, 2]"), 400, "share-token-invalid-request")
                .jsonPath("$.message")
                .isEqualTo("The request body must be a JSON object");
        expectError(
                as(reader, http.post().uri(tokens).contentType(MediaType.APPLICATION_JSON))
                        .exchange(),
                400,
                "share-token-invalid-request");
        for (MediaType notJson : List.of(MediaType.TEXT_PLAIN, MediaType.APPLICATION_FORM_URLENCODED)) {
            expectError(
                            as(
                                            reader,
                                            http.post()
                                                    .uri(tokens)
                                                    .contentType(notJson)
                                                    .bodyValue(validBody()))
                                    .exchange(),
                            415,
                            "unsupported-media-type")
                    .jsonPath("$.message")
                    .isEqualTo("Content-Type must be application/json");
        }
        // a content coding nothing here decodes
        expectError(
                as(
                                reader,
                                http.post()
                                        .uri(tokens)
                                        .contentType(MediaType.APPLICATION_JSON)
                                        .header("Content-Encoding", "gzip")
                                        .bodyValue(validBody()))
                        .exchange(),
                415,
                "unsupported-media-type");
        expectError(
                post(reader, mediaId, validBody().replace("}", ", \"padding\": \"" + "x".repeat(70_000) + "\"}")),
                413,
                "request-too-large");
        // an overlong "." (C0 AE), an encoded surrogate (ED A0 80), a truncated sequence: not UTF-8, not JSON
        for (byte[] notUtf8 : List.of(
                new byte[] {(byte) 0xC0, (byte) 0xAE},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xE2, (byte) 0x82})) {
            byte[] body = validBody().replace("\"title\": \"", "\"title\": \"#").getBytes(StandardCharsets.UTF_8);
            int at = new String(body, StandardCharsets.UTF_8).indexOf('#');
            byte[] bad = new byte[body.length - 1 + notUtf8.length];
            System.arraycopy(body, 0, bad, 0, at);
            System.arraycopy(notUtf8, 0, bad, at, notUtf8.length);
            System.arraycopy(body, at + 1, bad, at + notUtf8.length, body.length - at - 1);
            expectError(
                            as(
                                            reader,
                                            http.post()
                                                    .uri(tokens)
                                                    .contentType(MediaType.APPLICATION_JSON)
                                                    .bodyValue(bad))
                                    .exchange(),
                            400,
                            "share-token-invalid-request")
                    .jsonPath("$.message")
                    .isEqualTo("The request body is not valid JSON");
        }
        // an attribute named twice: Jackson would keep the last, a proxy might check the first
        expectError(
                        post(reader, mediaId, validBody().replace("{", "{\"title\": \"first\", ")),
                        400,
                        "share-token-invalid-request")
                .jsonPath("$.message")
                .isEqualTo("The request body is not valid JSON");
        assertUnchanged();
    }

    /** A target with an invalid escape, which Spring's adapter would answer with an empty 400: Keepeek's format. */
    @Test
    void whenTheRequestTargetIsNotAValidUriThenItIs400InKeepeeksFormat() {
        // refused before anything else: no login is read from a request that cannot be read
        RawHttp.Response answer =
                RawHttp.exchange(port, "GET", "/api/dam/medias/" + mediaId + "/share/tokens?page=%zz", Map.of());
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).isEqualTo("{\"status\":400,\"code\":\"bad-request\",\"message\":\"Bad Request\"}");
    }

    @Test
    void whenPageParametersAreInvalidThen400() {
        String tokens = "/api/dam/medias/" + mediaId + "/share/tokens";
        for (String query : List.of("?page=0", "?page=-1", "?page=two", "?size=0", "?size=101", "?size=1e3")) {
            expectError(get(reader, tokens + query), 400, "share-token-invalid-request")
                    .jsonPath("$.message")
                    .value(String.class, text -> assertThat(text).contains("must be an integer"));
        }
    }

    private String validBody() {
        return """
                {"title": "t", "exportDefinition": "HD", "templateId": %d, "templateDomainId": %d}""".formatted(template.id(), template.domainId());
    }

    private WebTestClient.BodyContentSpec expectError(WebTestClient.ResponseSpec response, int status, String code) {
        return response.expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(status)
                .jsonPath("$.code")
                .isEqualTo(code)
                .jsonPath("$.message")
                .isNotEmpty();
    }

    private String tokenRow() {
        return query("SELECT t::text FROM token_api.share_tokens t WHERE id = " + token.get("id"));
    }

    private void assertUnchanged() {
        assertThat(tokenRow()).isEqualTo(tokenRow);
        assertThat(writes()).as("tokens and outbox").isEqualTo(writes);
    }

    /**
     * Every token row, and the identity sequences of tokens and outbox: the outbox's rows are deleted once
     * published, but an insert, even a rolled-back one, moves its sequence.
     */
    private String writes() {
        return query("""
                SELECT concat_ws(' | ',
                    (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM token_api.share_tokens t),
                    pg_sequence_last_value(pg_get_serial_sequence('token_api.share_tokens', 'id')::regclass),
                    pg_sequence_last_value(pg_get_serial_sequence('token_api.outbox', 'seq')::regclass))""");
    }
}
