package dev.sharelinks.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SmtpServer;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The owner's side on the running stack: each recipient's mail carries its own URL, the redirector records which one
 * a download came through, and link-api's download log tells the owner whose download each was; the log rebuilt
 * from history equals the live one.
 */
class OwnersSideTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String LOG = """
            SELECT event_id, link_id, repeat, occurred_at, recipient_ref, client_address, user_agent, remaining
            FROM link_api.download_log ORDER BY event_id""";

    // a failed run keeps the stack's folder, with every service's log in logs/
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path stackDir;

    private static LocalStack stack;
    private static TestStacks.Client client;

    @BeforeAll
    static void startStack() {
        stack = TestStacks.start(stackDir);
        client = new TestStacks.Client(stack.env());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theDownloadLogTellsWhoseMailedUrlEachDownloadCameThroughAndRebuildsFromHistory() throws Exception {
        JsonNode link = client.createLink(10);
        long id = link.get("id").asLong();
        String url = link.get("url").asString();
        HttpResponse<String> shared = client.postToLinkApi("/api/v2/shareable_links/share", """
                {"recipients": ["ann@example.test", "ben@example.test"], "message": "Minutes attached",
                 "shareable_link_ids": [%d]}""".formatted(id));
        assertThat(shared.statusCode()).isEqualTo(200);

        String annUrl = mailedUrl("ann@example.test", url);
        String benUrl = mailedUrl("ben@example.test", url);
        assertThat(annUrl).isNotEqualTo(benUrl).startsWith(url + "?ref=").doesNotContain("ann", "%40");
        assertThat(benUrl).startsWith(url + "?ref=").doesNotContain("ben", "%40");
        // ann twice, ben once, the plain URL once, and ann's URL with its reference tampered with
        String tampered = annUrl.substring(0, annUrl.length() - 1) + (annUrl.endsWith("A") ? "B" : "A");
        for (String redeemed : List.of(annUrl, annUrl, benUrl, url, tampered)) {
            assertThat(client.status(redeemed)).as(redeemed).isEqualTo(302);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> log(id).get("total").asLong() == 5);
        JsonNode live = log(id);
        List<JsonNode> downloads = live.get("downloads").valueStream().toList();
        assertThat(downloads).extracting(d -> d.get("recipient").isNull() ? null : d.get("recipient").asString())
                .containsExactly("ann@example.test", "ann@example.test", "ben@example.test", null, null);
        assertThat(downloads).extracting(d -> d.get("remaining").asInt()).containsExactly(9, 8, 7, 6, 5);
        assertThat(downloads).allSatisfy(d -> {
            assertThat(d.get("client_address").asString()).isEqualTo("127.0.0.0");
            assertThat(d.get("user_agent").asString()).startsWith("Java-http-client");
        });
        assertThat(live.get("repeats").asLong()).isZero();

        // rebuilt from history: the log emptied, then a second link-api consuming the topic under a new group
        PostgresServer postgres = stack.postgres();
        String database = stack.env().get("DB_URL").replaceAll(".*/", "");
        String rows = postgres.query(database, LOG);
        postgres.query(database, "TRUNCATE link_api.download_log");
        assertThat(log(id).get("total").asLong()).isZero();
        stack.startAnother("link-api", "link-api-rebuilding", FreePorts.next(),
                Map.of("DOWNLOADS_CONSUMER_GROUP", "link-api-rebuilt"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(postgres.query(database, LOG)).isEqualTo(rows));
        assertThat(log(id)).isEqualTo(live);
    }

    private static JsonNode log(long linkId) throws Exception {
        HttpResponse<String> answer = client.getFromLinkApi("/api/v2/shareable_links/" + linkId + "/downloads");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    /** The link's URL as the mail to {@code recipient} carries it, in its text part and in its HTML part alike. */
    private static String mailedUrl(String recipient, String url) {
        Pattern mailed = Pattern.compile(Pattern.quote(url) + "\\?ref=[A-Za-z0-9_-]{22}");
        SmtpServer.ReceivedMail mail = await().atMost(Duration.ofSeconds(60)).until(() -> stack.smtp().received()
                .stream().filter(m -> m.recipient().equals(recipient)).findFirst(), Optional::isPresent).orElseThrow();
        Matcher text = mailed.matcher(part(mail.message(), "text/plain"));
        assertThat(text.find()).as("a URL with a reference in the mail to " + recipient).isTrue();
        assertThat(part(mail.message(), "text/html")).contains("href=\"" + text.group() + "\"");
        return text.group();
    }

    private static String part(Part part, String type) {
        try {
            if (part.isMimeType(type)) {
                return (String) part.getContent();
            }
            if (part.getContent() instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart body = multipart.getBodyPart(i);
                    String found = part(body, type);
                    if (!found.isEmpty()) {
                        return found;
                    }
                }
            }
            return "";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
