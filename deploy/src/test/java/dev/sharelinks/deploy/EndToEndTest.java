package dev.sharelinks.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.infra.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole MediaPocket flow through HTTP only, against the local stack: real PostgreSQL, Kafka, S3Proxy and
 * SMTP, and the three services running from their runnable jars.
 */
class EndToEndTest {

    @TempDir
    static Path stackDir;

    private static LocalStack stack;
    private static Map<String, String> env;
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final EventSerde serde = new EventSerde();

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(new StackSettings(stackDir,
                Path.of(System.getProperty("sharelinks.services.dir", "target/services")),
                FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next(),
                FreePorts.next(), FreePorts.next(), null, "sharelinks", "sharelinks", ""));
        env = stack.env();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aLinkIsCreatedSharedMailedAndRedeemedExactlyAsOftenAsItsLimit() throws Exception {
        // create a link with limit 3
        HttpResponse<String> created = post("/api/v2/shareable_links", """
                {"expiry_date": "%s", "limit": 3,
                 "payload": {"media_id": %s, "asset_id": "%s", "filename": "%s"}}""".formatted(
                LocalDate.now(ZoneOffset.UTC).plusDays(1), env.get("MEDIA_ID"), env.get("ASSET_ID"),
                env.get("ASSET_FILENAME")));
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode link = json.readTree(created.body());
        long linkId = link.get("id").asLong();
        String url = link.get("url").asString();
        assertThat(url).startsWith(env.get("REDIRECT_URL") + "/api/v2/shareable_links/");
        assertThat(link.get("filename").asString()).isEqualTo(env.get("ASSET_FILENAME"));

        // share it with two recipients: both mails arrive at the SMTP server and carry the link
        HttpResponse<String> shared = post("/api/v2/shareable_links/share", """
                {"message": "Two files for you", "recipients": ["alice@example.test", "bob@example.test"],
                 "shareable_link_ids": [%d]}""".formatted(linkId));
        assertThat(shared.statusCode()).isEqualTo(200);
        assertThat(json.readTree(shared.body()).get("message").asString()).isEqualTo("Shareable links sent");
        Path mailDir = Path.of(env.get("MAIL_DIR"));
        await().atMost(Duration.ofSeconds(60)).until(() -> emlFiles(mailDir).size() == 2);
        List<Path> mails = emlFiles(mailDir);
        assertThat(mails).extracting(p -> p.getFileName().toString())
                .anyMatch(name -> name.endsWith("alice@example.test.eml"))
                .anyMatch(name -> name.endsWith("bob@example.test.eml"));
        for (Path mail : mails) {
            assertThat(Files.readString(mail)).contains(url, "Two files for you");
        }

        // redeem: 302 to a presigned URL that serves the exact bytes as an attachment
        String location = redeem(url);
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create(location)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(LocalStack.sha256(download.body())).isEqualTo(env.get("ASSET_SHA256"));
        assertThat(download.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"" + env.get("ASSET_FILENAME") + "\"");

        // the S3 server checks the signature: a tampered one is refused
        String signature = location.replaceAll(".*X-Amz-Signature=([0-9a-f]{64}).*", "$1");
        String tampered = location.replace(signature, new StringBuilder(signature).reverse().toString());
        assertThat(http.send(HttpRequest.newBuilder(URI.create(tampered)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);

        // two more redeems use up the limit; the fourth is refused
        redeem(url);
        redeem(url);
        HttpResponse<String> exhausted = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(exhausted.statusCode()).isEqualTo(404);
        assertThat(json.readTree(exhausted.body()).get("error").asString())
                .isEqualTo("Link not found or has expired");

        // the history is on the topics: LinkCreated, ShareRequested, and one DownloadConsumed per redirect
        String kafka = env.get("KAFKA_BOOTSTRAP");
        String subject = String.valueOf(linkId);
        assertThat(TopicReader.readUntil(kafka, Topics.LINKS, seen -> !seen.isEmpty(), Duration.ofSeconds(30)))
                .singleElement()
                .satisfies(r -> assertThat(serde.read(r.value(), LinkCreated.class).data().url()).isEqualTo(url));
        assertThat(TopicReader.readUntil(kafka, Topics.SHARES, seen -> !seen.isEmpty(), Duration.ofSeconds(30)))
                .singleElement()
                .satisfies(r -> assertThat(serde.read(r.value(), ShareRequested.class).data().recipients())
                        .containsExactly("alice@example.test", "bob@example.test"));
        List<ConsumerRecord<String, byte[]>> downloads = TopicReader.readUntil(kafka, Topics.DOWNLOADS,
                seen -> seen.size() >= 3, Duration.ofSeconds(30));
        assertThat(downloads).hasSize(3).allSatisfy(r -> assertThat(r.key()).isEqualTo(subject));
        assertThat(downloads).extracting(r -> serde.read(r.value(), DownloadConsumed.class).data().remaining())
                .containsExactly(2, 1, 0);

        // and the owner sees the count come down to zero
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(
                            URI.create(env.get("LINK_API_URL") + "/api/v2/shareable_links/" + linkId + "/info"))
                    .header("X-API-KEY", env.get("API_KEY")).build(), HttpResponse.BodyHandlers.ofString());
            return json.readTree(info.body()).get("remaining").asInt() == 0;
        });
    }

    private String redeem(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(env.get("LINK_API_URL") + path))
                .header("X-API-KEY", env.get("API_KEY"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Path> emlFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
        }
    }
}
