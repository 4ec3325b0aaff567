package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.infra.SharedServers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every link-api route against malformed JSON, wrong types, nulls, empty strings, unknown fields, out-of-range
 * numbers, dates in other formats and non-ASCII input. Each must be answered in the route's error format with a
 * message that says what is wrong, and the database must hold exactly what it held before: no row written,
 * changed or even attempted (identity sequences do not move).
 */
class BadInputSweepIT extends LinkApiIntegrationTest {

    private static final String LINKS = "/api/v2/shareable_links";
    private static final String SHARE = "/api/v2/shareable_links/share";

    private TestAccount account;
    private long link;

    record Case(HttpMethod method, String path, String body, int status, String error) {

        String describe() {
            return method + " " + path + " "
                    + (body == null ? "(no body)" : body.length() > 120 ? body.substring(0, 120) + "..." : body);
        }
    }

    @BeforeEach
    void accountWithALink() {
        account = newAccount("bucket-sweep");
        link = createLink(account, 2);
    }

    @Test
    void whenAMediaPocketRouteGetsBadInputThenItSaysWhatIsWrongInTheContractFormatAndWritesNothing() {
        List<Case> cases = new ArrayList<>();
        String payload = "\"payload\": {\"media_id\": 4, \"filename\": \"report.pdf\"}";
        String valid = "\"expiry_date\": \"2099-01-01\", \"limit\": 5, " + payload;
        // malformed and misshapen bodies
        cases.add(create("{\"limit\": ", 400, "Malformed JSON body"));
        cases.add(create("{\"limit\": 5,}", 400, "Malformed JSON body"));
        cases.add(create("[]", 422, "Missing parameters: expiry_date, limit, payload"));
        cases.add(create("\"a string\"", 422, "Missing parameters: expiry_date, limit, payload"));
        cases.add(create("null", 422, "Missing parameters: expiry_date, limit, payload"));
        cases.add(create("", 422, "Missing parameters: expiry_date, limit, payload"));
        // nulls are missing
        cases.add(create(
                "{\"expiry_date\": null, \"limit\": null, \"payload\": null}",
                422,
                "Missing parameters: expiry_date, limit, payload"));
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": null, "
                        + "\"filename\": null}}",
                422,
                "Missing parameters: payload[media_id], payload[filename]"));
        // wrong types
        cases.add(create(
                "{\"expiry_date\": 20990101, \"limit\": 5, " + payload + "}", 422, "expiry_date must be a String"));
        for (String limit : List.of("\"five\"", "1.5", "true", "[5]", "{\"n\": 5}")) {
            cases.add(create(
                    "{\"expiry_date\": \"2099-01-01\", \"limit\": " + limit + ", " + payload + "}",
                    422,
                    "limit must be an Integer"));
        }
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": \"media 4\"}",
                422,
                "payload must be a Hash"));
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": \"four\", "
                        + "\"filename\": 7}}",
                422,
                "payload[media_id] must be an Integer; payload[filename] must be a String"));
        // empty strings
        cases.add(create("{\"expiry_date\": \"\", \"limit\": 5, " + payload + "}", 422, "expiry_date must be a date"));
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": \"\", " + payload + "}",
                422,
                "limit must be an Integer"));
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": 4, "
                        + "\"filename\": \"\"}}",
                422,
                "payload[filename] must not be empty"));
        // unknown fields, at the top and in the payload
        cases.add(create("{" + valid + ", \"limt\": 3}", 422, "Unknown parameters: limt"));
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": 4, "
                        + "\"filename\": \"a.pdf\", \"colour\": \"red\"}}",
                422,
                "Unknown parameters: payload[colour]"));
        // out of range
        for (String limit : List.of("0", "-1", "2147483648", "99999999999999999999999")) {
            cases.add(create(
                    "{\"expiry_date\": \"2099-01-01\", \"limit\": " + limit + ", " + payload + "}", 422, "limit "));
        }
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": -4, "
                        + "\"filename\": \"a.pdf\"}}",
                422,
                "payload[media_id] must be a positive Integer"));
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": 4, " + "\"filename\": \""
                        + "a".repeat(256) + "\"}}",
                422,
                "payload[filename] must be at most 255"));
        // dates in other formats, and dates that do not exist or have passed
        for (String date : List.of(
                "28/11/2099",
                "11/28/2099",
                "2099.11.28",
                "20991128",
                "Nov 28 2099",
                "2099-11-28T10:00:00",
                "2099-11-28 10:00:00+00:00",
                "2099-13-01",
                "2099-02-30",
                "tomorrow",
                "\u0662\u0660\u0669\u0669-\u0660\u0661-\u0660\u0661",
                "2000-01-01")) {
            cases.add(create(
                    "{\"expiry_date\": \"" + date + "\", \"limit\": 5, " + payload + "}", 422, "expiry_date must"));
        }
        // non-ASCII where only ASCII can be meant, control characters and path separators in filenames
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": \"\u0665\", " + payload + "}",
                422,
                "limit must be an Integer"));
        for (String filename : List.of("a\\r\\nb.pdf", "tab\\tname.pdf", "../etc/passwd", "dir\\\\file.pdf")) {
            cases.add(create(
                    "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": 4, "
                            + "\"filename\": \"" + filename + "\"}}",
                    422,
                    "payload[filename] must not contain"));
        }
        // names that read other than they are, or that a browser would not save as a file
        for (String filename :
                List.of(".", "..", "report\\u202Efdp.exe", "\\uFEFFreport.pdf", "a\\u2028b.pdf", "x\\u2066y.pdf")) {
            cases.add(create(
                    "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": 4, "
                            + "\"filename\": \"" + filename + "\"}}",
                    422,
                    "payload[filename] must"));
        }
        // the media must be the caller's
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": 5, "
                        + "\"filename\": \"a.pdf\"}}",
                400,
                "asset not found"));
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": 4, "
                        + "\"asset_id\": \"\u00e9\", \"filename\": \"a.pdf\"}}",
                400,
                "asset not found"));

        String ids = "\"shareable_link_ids\": [" + link + "]";
        cases.add(share("{\"recipients\": [\"a@b.test\"], " + ids + ",}", 400, "Malformed JSON body"));
        cases.add(share("[]", 422, "Missing parameters: recipients"));
        cases.add(share("{\"recipients\": null, " + ids + "}", 422, "Missing parameters: recipients"));
        cases.add(share("{\"recipients\": \"a@b.test\", " + ids + "}", 422, "recipients must be an array"));
        cases.add(share("{\"recipients\": [], " + ids + "}", 422, "recipients must not be empty"));
        for (String recipient : List.of(
                "\"\"",
                "null",
                "42",
                "\"not an address\"",
                "\"Ann <ann@b.test>\"",
                "\"ann@b.test\\r\\nBcc: eve@evil.test\"",
                "\"ann@b.test, bob@b.test\"",
                "\"\u00e4nn@b.test\"",
                "\"ann@b\u00fccher.test\"",
                "\"ann@localhost\"",
                // RFC 5321's 64 characters of a local part, one over
                "\"" + "a".repeat(65) + "@b.test\"",
                "[\"ann@b.test\"]")) {
            cases.add(share(
                    "{\"recipients\": [" + recipient + "], " + ids + "}", 422, "recipients must be e-mail addresses"));
        }
        cases.add(share(
                "{\"recipients\": [" + "\"r@b.test\", ".repeat(50) + "\"r51@b.test\"], " + ids + "}",
                422,
                "recipients must name at most 50"));
        cases.add(share(
                "{\"recipients\": [\"a@b.test\"], \"message\": 42, " + ids + "}", 422, "message must be a String"));
        cases.add(share(
                "{\"recipients\": [\"a@b.test\"], \"message\": \"" + "m".repeat(5001) + "\", " + ids + "}",
                422,
                "message must be at most 5000"));
        // NUL and lone surrogates in any text field (PostgreSQL cannot store them as sent), control characters in
        // the message
        cases.add(share(
                "{\"recipients\": [\"a@b.test\"], \"message\": \"a\\u0000b\", " + ids + "}",
                422,
                "message must not contain NUL"));
        cases.add(share(
                "{\"recipients\": [\"a@b.test\"], \"message\": \"a\\ud800b\", " + ids + "}",
                422,
                "message must not contain NUL or unpaired surrogates"));
        for (String control : List.of("\\u0007", "\\u001b[31m", "\\u007f", "\\u0085")) {
            cases.add(share(
                    "{\"recipients\": [\"a@b.test\"], \"message\": \"ring" + control + "\", " + ids + "}",
                    422,
                    "message must not contain control characters"));
        }
        cases.add(share("{\"recipients\": [\"a\\u0000@b.test\"], " + ids + "}", 422, "recipients"));
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\\u0000\", \"limit\": 5, " + payload + "}",
                422,
                "expiry_date must not contain NUL"));
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": 4, "
                        + "\"filename\": \"a\\udc00.pdf\"}}",
                422,
                "payload[filename] must not contain NUL or unpaired"));
        cases.add(create(
                "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": {\"media_id\": 4, "
                        + "\"asset_id\": \"a\\u0000\", \"filename\": \"a.pdf\"}}",
                422,
                "payload[asset_id] must not contain"));
        cases.add(create("{" + valid + ", \"password\": \"pw\\u0000\"}", 422, "password must not contain NUL"));
        cases.add(share(
                "{\"recipients\": [\"a@b.test\"], \"mesage\": \"hi\", " + ids + "}",
                422,
                "Unknown parameters: mesage"));
        cases.add(share(
                "{\"recipients\": [\"a@b.test\"], \"shareable_link_ids\": " + link + "}",
                422,
                "shareable_link_ids must be an array"));
        cases.add(share(
                "{\"recipients\": [\"a@b.test\"], \"shareable_link_ids\": [" + (link + ", ").repeat(100) + link + "]}",
                422,
                "shareable_link_ids must name at most 50"));
        for (String id : List.of("null", "\"\"", "-1", "0", "1.5", "99999999999999999999", "\"\u0661\"", "true")) {
            cases.add(share(
                    "{\"recipients\": [\"a@b.test\"], \"shareable_link_ids\": [" + id + "]}",
                    400,
                    "No shareable links found"));
        }

        for (String id : List.of(
                "abc", "-1", "0", "+" + link, "0" + link, "1e3", "99999999999999999999", "%D9%A1", "%20" + link)) {
            cases.add(new Case(HttpMethod.DELETE, LINKS + "/" + id, null, 404, "Link not found"));
            cases.add(new Case(HttpMethod.GET, LINKS + "/" + id + "/info", null, 404, "Link not found"));
        }

        assertEachRefusedAndNothingWritten(cases, this::mediaPocketError);
    }

    @Test
    void whenAnAdminRouteGetsBadInputThenAProblemDetailSaysWhatIsWrongAndNothingIsWritten() {
        String accounts = "/admin/accounts";
        String assets = accounts + "/" + account.id() + "/assets/9";
        List<Case> cases = new ArrayList<>();
        cases.add(new Case(HttpMethod.POST, accounts, "{\"name\": ", 400, "the body must be a JSON object"));
        cases.add(new Case(HttpMethod.POST, accounts, "[]", 400, "the body must be a JSON object"));
        cases.add(new Case(HttpMethod.POST, accounts, "{}", 400, "name must be a non-empty single-line string"));
        cases.add(new Case(HttpMethod.POST, accounts, "{\"name\": null, \"bucket\": \"b-ok\"}", 400, "name must"));
        cases.add(new Case(HttpMethod.POST, accounts, "{\"name\": \"\", \"bucket\": \"b-ok\"}", 400, "name must"));
        cases.add(new Case(HttpMethod.POST, accounts, "{\"name\": \"a\\nb\", \"bucket\": \"b-ok\"}", 400, "name must"));
        cases.add(new Case(
                HttpMethod.POST, accounts, "{\"name\": \"a\\u0000b\", \"bucket\": \"b-ok\"}", 400, "name must"));
        cases.add(new Case(
                HttpMethod.POST, accounts, "{\"name\": \"a\\udfffb\", \"bucket\": \"b-ok\"}", 400, "name must"));
        cases.add(new Case(
                HttpMethod.POST,
                accounts,
                "{\"name\": [\"x\"], \"bucket\": \"b-ok\"}",
                400,
                "name has the wrong type"));
        cases.add(new Case(
                HttpMethod.POST,
                accounts,
                "{\"name\": \"N\", \"bucket\": \"Not_A_Bucket\"}",
                400,
                "bucket must be a valid S3 bucket name"));
        cases.add(new Case(
                HttpMethod.POST,
                accounts,
                "{\"name\": \"N\", \"bucket\": \"b\u00fccket\"}",
                400,
                "bucket must be a valid S3 bucket name"));
        cases.add(new Case(
                HttpMethod.POST,
                accounts,
                "{\"name\": \"N\", \"bucket\": \"b-ok\", \"plan\": \"gold\"}",
                400,
                "unknown property: plan"));
        cases.add(new Case(HttpMethod.PUT, assets, "{\"assetId\": \"\", \"objectKey\": \"k\"}", 400, "assetId must"));
        cases.add(new Case(HttpMethod.PUT, assets, "{\"assetId\": \"a\", \"objectKey\": null}", 400, "objectKey must"));
        // an object key that a normalised URL would turn into another object's
        cases.add(new Case(
                HttpMethod.PUT,
                assets,
                "{\"assetId\": \"a\", \"objectKey\": \"media/../../other\"}",
                400,
                "objectKey must not contain '.' or '..' segments"));
        cases.add(new Case(
                HttpMethod.PUT,
                assets,
                "{\"assetId\": \"a\", \"objectKey\": \"/media/x.jpg\"}",
                400,
                "objectKey must not start or end with '/'"));
        cases.add(new Case(
                HttpMethod.PUT,
                assets,
                "{\"assetId\": \"a\", \"objectKey\": \"media/x#1.jpg\"}",
                400,
                "objectKey may hold letters"));
        cases.add(new Case(
                HttpMethod.PUT,
                accounts + "/abc/assets/9",
                "{\"assetId\": \"a\", \"objectKey\": \"k\"}",
                400,
                "accountId must be a number"));
        cases.add(new Case(
                HttpMethod.PUT,
                accounts + "/999999999/assets/9",
                "{\"assetId\": \"a\", \"objectKey\": \"k\"}",
                404,
                "no such account"));
        cases.add(new Case(HttpMethod.POST, accounts + "/999999999/api-keys", null, 404, "no such account"));
        cases.add(new Case(
                HttpMethod.PATCH,
                accounts + "/" + account.id(),
                "{\"landingPage\": \"yes\"}",
                400,
                "landingPage has the wrong type"));
        cases.add(new Case(
                HttpMethod.PATCH,
                accounts + "/" + account.id(),
                "{\"landing\": true}",
                400,
                "unknown property: landing"));
        cases.add(
                new Case(HttpMethod.PATCH, accounts + "/999999999", "{\"landingPage\": true}", 404, "no such account"));
        cases.add(new Case(HttpMethod.GET, accounts + "/999999999", null, 404, "no such account"));
        cases.add(new Case(HttpMethod.POST, accounts + "/x/api-keys", null, 400, "accountId must be a number"));
        cases.add(new Case(
                HttpMethod.DELETE,
                accounts + "/" + account.id() + "/api-keys/999999999",
                null,
                404,
                "no such API key"));

        assertEachRefusedAndNothingWritten(cases, this::problemDetail);
    }

    private void assertEachRefusedAndNothingWritten(
            List<Case> cases, BiConsumer<Case, EntityExchangeResult<byte[]>> errorFormat) {
        String before = writes();
        SoftAssertions softly = new SoftAssertions();
        for (Case bad : cases) {
            EntityExchangeResult<byte[]> result = send(bad);
            softly.assertThat(result.getStatus().value()).as(bad.describe()).isEqualTo(bad.status());
            softly.check(() -> errorFormat.accept(bad, result));
            softly.assertThat(writes()).as("database after " + bad.describe()).isEqualTo(before);
        }
        softly.assertAll();
    }

    private Case create(String body, int status, String error) {
        return new Case(HttpMethod.POST, LINKS, body, status, error);
    }

    private Case share(String body, int status, String error) {
        return new Case(HttpMethod.POST, SHARE, body, status, error);
    }

    private EntityExchangeResult<byte[]> send(Case bad) {
        // the path as a client sends it, percent-escapes included (a URI template would escape them again)
        var request = http.method(bad.method()).uri(base -> URI.create(base.build() + bad.path()));
        request = bad.path().startsWith("/admin/")
                ? request.header("Authorization", "Bearer " + ADMIN_TOKEN)
                : request.header("X-API-KEY", account.apiKey());
        var exchange = bad.body() == null
                ? request.exchange()
                : request.contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(bad.body())
                        .exchange();
        return exchange.expectBody().returnResult();
    }

    /** MediaPocket's format: exactly {"error": "..."}, saying what is wrong. */
    private void mediaPocketError(Case bad, EntityExchangeResult<byte[]> result) {
        assertThat(result.getResponseHeaders().getContentType())
                .as(bad.describe())
                .isEqualTo(MediaType.APPLICATION_JSON);
        Map<String, Object> error = json(result);
        assertThat(error).as(bad.describe()).containsOnlyKeys("error");
        assertThat((String) error.get("error")).as(bad.describe()).contains(bad.error());
    }

    /** The admin API's RFC 9457 problem details, whose detail says what is wrong where the case names it. */
    private void problemDetail(Case bad, EntityExchangeResult<byte[]> result) {
        assertThat(result.getResponseHeaders().getContentType())
                .as(bad.describe())
                .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        Map<String, Object> problem = json(result);
        assertThat(problem.get("status")).as(bad.describe()).isEqualTo(bad.status());
        assertThat(String.valueOf(problem.get("detail"))).as(bad.describe()).contains(bad.error());
    }

    private static Map<String, Object> json(EntityExchangeResult<byte[]> result) {
        byte[] body = result.getResponseBody();
        assertThat(body).as("response body").isNotNull();
        return JsonMapper.shared()
                .readValue(new String(body, StandardCharsets.UTF_8), new TypeReference<Map<String, Object>>() {});
    }

    /**
     * What link-api has written: every row of every table, and the outbox's identity sequence (its rows are
     * deleted once published, but an insert, even a rolled-back one, moves the sequence).
     */
    private static String writes() {
        return SharedServers.postgres().query(DATABASE, """
                SELECT concat_ws(' | ',
                    (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM link_api.accounts t),
                    (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM link_api.api_keys t),
                    (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM link_api.assets t),
                    (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM link_api.links t),
                    (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM link_api.shares t),
                    pg_sequence_last_value(pg_get_serial_sequence('link_api.accounts', 'id')::regclass),
                    pg_sequence_last_value(pg_get_serial_sequence('link_api.api_keys', 'id')::regclass),
                    pg_sequence_last_value(pg_get_serial_sequence('link_api.links', 'id')::regclass),
                    pg_sequence_last_value(pg_get_serial_sequence('link_api.shares', 'id')::regclass),
                    pg_sequence_last_value(pg_get_serial_sequence('link_api.outbox', 'seq')::regclass))""");
    }
}
