import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook endpoint for the local stack's walk-through: prints each delivery with whether its Standard Webhooks
 * signature verifies under the endpoint's secret, and answers 204. JDK only, run from source:
 * {@code java local-stack/WebhookReceiver.java <port> <whsec_...>}.
 */
public class WebhookReceiver {

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[1].startsWith("whsec_")) {
            System.err.println("usage: java local-stack/WebhookReceiver.java <port> <whsec_... secret>");
            System.exit(2);
        }
        byte[] key = Base64.getDecoder().decode(args[1].substring("whsec_".length()));
        HttpServer server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signatures = String.valueOf(exchange.getRequestHeaders().getFirst("webhook-signature"));
            String expected = sign(key, id + "." + timestamp + "." + body);
            // the header may carry several space-separated signatures (a rotated secret); one must match
            boolean verified = false;
            for (String signature : signatures.split(" ")) {
                verified |= MessageDigest.isEqual(signature.getBytes(StandardCharsets.UTF_8),
                        expected.getBytes(StandardCharsets.UTF_8));
            }
            System.out.println(id + " signature " + (verified ? "verified" : "WRONG") + ": " + body);
            exchange.sendResponseHeaders(verified ? 204 : 401, -1);
            exchange.close();
        });
        server.start();
        System.out.println("webhook receiver on http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private static String sign(byte[] key, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
