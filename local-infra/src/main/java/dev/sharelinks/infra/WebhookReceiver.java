package dev.sharelinks.infra;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP server on loopback standing in for an account's webhook endpoint: it records every request and answers
 * each as scripted (a status, or no answer until released), then 204. {@link #signature} computes the Standard
 * Webhooks signature independently of the service's code, for tests to check deliveries with.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** How the receiver answers one request: a status, or no answer until {@link #release()}. */
    public record Answer(int status, boolean holds) {

        public static Answer status(int status) {
            return new Answer(status, false);
        }

        public static Answer hang() {
            return new Answer(0, true);
        }
    }

    /**
     * A delivery the receiver took.
     *
     * @param answeredWith the status answered, or 0 for no answer
     */
    public record Received(Map<String, List<String>> headers, String body, int answeredWith) {

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private final HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    /** Starts on {@code port} (0: any free one), answering the first requests as {@code answers} say. */
    public static WebhookReceiver start(int port, Answer... answers) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        WebhookReceiver receiver = new WebhookReceiver(server);
        receiver.script.addAll(List.of(answers));
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Answer answer;
            synchronized (receiver.script) {
                answer = receiver.script.isEmpty() ? Answer.status(204) : receiver.script.poll();
            }
            receiver.received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body, answer.status()));
            if (answer.holds()) {
                try {
                    receiver.released.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(answer.status(), -1);
            exchange.close();
        });
        server.start();
        return receiver;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Answers the next requests as {@code answers} say, after those scripted before. */
    public void answerNext(Answer... answers) {
        synchronized (script) {
            script.addAll(List.of(answers));
        }
    }

    /** Lets every request held by {@link Answer#hang()} end without an answer. */
    public void release() {
        released.countDown();
    }

    /** {@code v1,} and the base64 HMAC-SHA256 of {@code id.timestamp.body} under the secret's key. */
    public static String signature(String secret, String id, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            return "v1,"
                    + Base64.getEncoder()
                            .encodeToString(
                                    mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
