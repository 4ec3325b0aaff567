package dev.sharelinks.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI descriptions the APIs serve, held to what the running services answer: every operation of each
 * description is called on the local stack, through its successes and its refusals, and every answer must be one
 * the description gives (status, required headers, content type, a body its schema accepts).
 */
@OnTheSharedStack
class OpenApiIT {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static LocalStack stack;
    private static Map<String, String> env;

    @BeforeAll
    static void useTheSharedStack(LocalStack shared) {
        stack = shared;
        env = stack.env();
    }

    @Test
    void theMediaPocketApiAnswersAsItsDescriptionSays() throws Exception {
        OpenApiContract api = OpenApiContract.fetch(HTTP, env.get("LINK_API_URL") + "/openapi/mediapocket-v2.yaml");
        String links = "/api/v2/shareable_links";
        String valid =
                """
                {"expiry_date": "%s", "limit": 2, "payload": {"media_id": %s, "asset_id": "%s", "filename": "a.txt"}}""".formatted(LocalDate.now(ZoneOffset.UTC).plusDays(1), env.get("MEDIA_ID"), env.get("ASSET_ID"));

        HttpResponse<String> created = linkApi("POST", links, valid, "application/json");
        api.check("POST", links, created);
        assertThat(created.statusCode()).isEqualTo(200);
        long id = JSON.readTree(created.body()).get("id").asLong();
        String url = JSON.readTree(created.body()).get("url").asString();
        api.check(
                "POST",
                links,
                linkApi(
                        "POST",
                        links,
                        valid.replace("\"media_id\": " + env.get("MEDIA_ID"), "\"media_id\": 987654"),
                        "application/json"));
        api.check("POST", links, linkApi("POST", links, "{\"limit\": \"many\"}", "application/json"));
        api.check("POST", links, linkApi("POST", links, "{not json", "application/json"));
        api.check("POST", links, linkApi("POST", links, valid, "text/plain"));
        api.check("POST", links, linkApi("POST", links, "{\"x\": \"" + "y".repeat(70_000) + "\"}", "application/json"));
        api.check(
                "POST",
                links,
                send(HttpRequest.newBuilder(URI.create(env.get("LINK_API_URL") + links))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(valid))));

        String keyed = "idempotent-" + System.nanoTime();
        api.check("POST", links, keyedLinkApi(links, valid, keyed));
        HttpResponse<String> replayed = keyedLinkApi(links, valid, keyed);
        api.check("POST", links, replayed);
        assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        api.check("POST", links, keyedLinkApi(links, valid.replace("\"limit\": 2", "\"limit\": 3"), keyed));
        api.check("POST", links, keyedLinkApi(links, valid, "with space"));

        String share = links + "/share";
        api.check("POST", share, linkApi("POST", share, """
                {"recipients": ["openapi@example.test"], "message": "Hi", "shareable_link_ids": [%d]}""".formatted(id), "application/json"));
        api.check("POST", share, linkApi("POST", share, """
                {"recipients": ["openapi@example.test"], "shareable_link_ids": [987654]}""", "application/json"));
        api.check("POST", share, linkApi("POST", share, "{\"shareable_link_ids\": [1]}", "application/json"));

        String info = links + "/{id}/info";
        api.check("GET", info, linkApi("GET", links + "/" + id + "/info", null, null));
        api.check("GET", info, linkApi("GET", links + "/987654/info", null, null));

        String downloads = links + "/{id}/downloads";
        api.check("GET", downloads, linkApi("GET", links + "/" + id + "/downloads?limit=5", null, null));
        api.check(
                "GET",
                downloads,
                send(HttpRequest.newBuilder(URI.create(env.get("LINK_API_URL") + links + "/" + id + "/downloads"))
                        .header("X-API-KEY", env.get("API_KEY"))
                        .header("Accept", "text/csv")));
        api.check("GET", downloads, linkApi("GET", links + "/987654/downloads", null, null));
        api.check("GET", downloads, linkApi("GET", links + "/" + id + "/downloads?limit=0", null, null));

        String webhooks = "/api/v2/webhooks";
        HttpResponse<String> registered = linkApi(
                "POST",
                webhooks,
                "{\"url\": \"http://127.0.0.1:9/hooks\", \"events\": [\"link.revoked\"]}",
                "application/json");
        api.check("POST", webhooks, registered);
        assertThat(registered.statusCode()).isEqualTo(201);
        api.check(
                "POST",
                webhooks,
                linkApi(
                        "POST",
                        webhooks,
                        "{\"url\": \"http://10.0.0.1/\", \"events\": [\"link.created\"]}",
                        "application/json"));
        api.check("POST", webhooks, linkApi("POST", webhooks, "{not json", "application/json"));
        api.check("GET", webhooks, linkApi("GET", webhooks, null, null));
        api.check(
                "DELETE",
                webhooks + "/{id}",
                linkApi(
                        "DELETE",
                        webhooks + "/"
                                + JSON.readTree(registered.body()).get("id").asLong(),
                        null,
                        null));
        api.check("DELETE", webhooks + "/{id}", linkApi("DELETE", webhooks + "/987654", null, null));

        String redeem = links + "/{key}";
        await().atMost(Duration.ofSeconds(30)).until(() -> head(url).statusCode() == 200);
        api.check("HEAD", redeem, head(url));
        api.check("GET", redeem, get(url));
        String unknown = env.get("REDIRECT_URL") + links + "/no-such-key-at-all";
        api.check("GET", redeem, get(unknown));
        api.check("HEAD", redeem, head(unknown));
        // the extensions: a link preview's page, and a password link's landing page and form
        api.check(
                "GET",
                redeem,
                send(HttpRequest.newBuilder(URI.create(url))
                        .header("User-Agent", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")));
        String protectedUrl = JSON.readTree(linkApi(
                                "POST",
                                links,
                                valid.substring(0, valid.lastIndexOf('}')) + ", \"password\": \"open sesame\"}",
                                "application/json")
                        .body())
                .get("url")
                .asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> head(protectedUrl).statusCode() == 200);
        HttpResponse<String> page = get(protectedUrl);
        api.check("GET", redeem, page);
        String nonce = page.body().replaceAll("(?s).*name=\"nonce\" value=\"([^\"]+)\".*", "$1");
        api.check("POST", redeem, form(protectedUrl, "password=open+sesame"));
        api.check("POST", redeem, form(protectedUrl, "nonce=" + nonce + "&password=open"));
        api.check("POST", redeem, form(protectedUrl, "nonce=" + nonce + "&password=open+sesame"));
        api.check("POST", redeem, form(protectedUrl, "nonce=" + nonce + "&password=open+sesame"));
        api.check("POST", redeem, form(url, "nonce=" + nonce));
        api.check("POST", redeem, form(unknown, "nonce=" + nonce));

        String revoke = links + "/{id}";
        api.check("DELETE", revoke, linkApi("DELETE", links + "/" + id, null, null));
        api.check("DELETE", revoke, linkApi("DELETE", links + "/987654", null, null));
        api.check("GET", redeem, get(url));

        assertThat(api.unchecked())
                .as("operations of the description not called")
                .isEmpty();
    }

    @Test
    void theKeepeekShareTokenApiAnswersAsItsDescriptionSays() throws Exception {
        OpenApiContract api =
                OpenApiContract.fetch(HTTP, env.get("TOKEN_API_URL") + "/openapi/keepeek-share-tokens.yaml");
        String tokens = "/api/dam/medias/" + env.get("DAM_MEDIA_ID") + "/share/tokens";
        String list = "/api/dam/medias/{mediaId}/share/tokens";
        String one = list + "/{tokenIdOrValue}";
        String user = env.get("DAM_USER") + ":" + env.get("DAM_PASSWORD");
        String admin = env.get("DAM_ADMIN") + ":" + env.get("DAM_ADMIN_PASSWORD");

        HttpResponse<String> created =
                dam("POST", tokens, user, """
                {"title": "OpenAPI", "exportDefinition": "HD", "suffix": "-openapi", "templateId": %s,
                 "templateDomainId": %s}""".formatted(env.get("DAM_TEMPLATE_ID"), env.get("DAM_TEMPLATE_DOMAIN_ID")));
        api.check("POST", list, created);
        assertThat(created.statusCode()).isEqualTo(201);
        api.check("POST", list, dam("POST", tokens, user, "{\"exportDefinition\": \"XL\"}"));
        api.check("POST", list, dam("POST", tokens, null, "{}"));
        api.check("POST", list, dam("POST", "/api/dam/medias/987654/share/tokens", user, "{}"));

        HttpResponse<String> token =
                dam("GET", created.headers().firstValue("Location").orElseThrow(), user, null);
        api.check("GET", one, token);
        JsonNode body = JSON.readTree(token.body());
        String value = body.get("tokenValue").asString();
        String publicUrl = body.get("publicUrl").asString();
        api.check("GET", one, dam("GET", tokens + "/no-such-token", user, null));

        api.check("GET", list, dam("GET", tokens + "?size=1", user, null));
        api.check("GET", list, dam("GET", tokens + "?size=0", user, null));

        await().atMost(Duration.ofSeconds(30)).until(() -> head(publicUrl).statusCode() == 200);
        String share = "/share/{publicPath}";
        api.check("HEAD", share, head(publicUrl));
        api.check("GET", share, get(publicUrl));
        api.check("GET", share, get(env.get("REDIRECT_URL") + "/share/no-such-token"));
        api.check("HEAD", share, head(env.get("REDIRECT_URL") + "/share/no-such-token"));

        api.check("PUT", one, dam("PUT", tokens + "/" + value, user, """
                {"title": "OpenAPI preview", "exportDefinition": "BD", "suffix": "-openapi"}"""));
        api.check("PUT", one, dam("PUT", tokens + "/" + value, user, "{\"title\": \"\"}"));

        api.check("DELETE", one, dam("DELETE", tokens + "/" + value, user, null));
        api.check("DELETE", one, dam("DELETE", tokens + "/" + value, admin, null));
        api.check("DELETE", one, dam("DELETE", tokens + "/" + value, admin, null));

        assertThat(api.unchecked())
                .as("operations of the description not called")
                .isEmpty();
    }

    private static HttpResponse<String> linkApi(String method, String path, String body, String contentType)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(env.get("LINK_API_URL") + path))
                .header("X-API-KEY", env.get("API_KEY"));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> keyedLinkApi(String path, String body, String idempotencyKey) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(env.get("LINK_API_URL") + path))
                .header("X-API-KEY", env.get("API_KEY"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> dam(String method, String pathOrUrl, String credentials, String body)
            throws Exception {
        String url = pathOrUrl.startsWith("http") ? pathOrUrl : env.get("TOKEN_API_URL") + pathOrUrl;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (credentials != null) {
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> form(String url, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)));
    }

    private static HttpResponse<String> head(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(TestStacks.REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
