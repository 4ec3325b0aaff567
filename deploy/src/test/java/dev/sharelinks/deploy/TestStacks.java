package dev.sharelinks.deploy;

import dev.sharelinks.infra.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The local stack as the deploy tests run it (free ports, the jars from target/services), and a client of it. */
final class TestStacks {

    /** A request that gets no answer fails the test instead of hanging the build. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private TestStacks() {
    }

    static LocalStack start(Path dir) {
        return LocalStack.start(new StackSettings(dir,
                Path.of(System.getProperty("sharelinks.services.dir", "target/services")),
                FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next(), FreePorts.next(),
                FreePorts.next(), FreePorts.next(), FreePorts.next(), null, "sharelinks", "sharelinks", ""));
    }

    /** HTTP/1.1, as the JDK client's h2c upgrade against Reactor Netty can hang. */
    record Client(HttpClient http, Map<String, String> env) {

        Client(Map<String, String> env) {
            this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), env);
        }

        /** A POST to link-api with the demo account's key. */
        HttpResponse<String> postToLinkApi(String path, String body) throws Exception {
            return http.send(HttpRequest.newBuilder().timeout(REQUEST_TIMEOUT)
                    .uri(URI.create(env.get("LINK_API_URL") + path))
                    .header("X-API-KEY", env.get("API_KEY"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        /** A GET from link-api with the demo account's key. */
        HttpResponse<String> getFromLinkApi(String path) throws Exception {
            return http.send(HttpRequest.newBuilder().timeout(REQUEST_TIMEOUT)
                    .uri(URI.create(env.get("LINK_API_URL") + path))
                    .header("X-API-KEY", env.get("API_KEY"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String url, Duration timeout) throws Exception {
            return http.send(HttpRequest.newBuilder().timeout(timeout).uri(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        int status(String url) throws Exception {
            return get(url, REQUEST_TIMEOUT).statusCode();
        }

        /** HEAD: whether the URL would redirect, without recording a download. */
        int probe(String url) throws Exception {
            return http.send(HttpRequest.newBuilder().timeout(REQUEST_TIMEOUT).uri(URI.create(url))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }
}
