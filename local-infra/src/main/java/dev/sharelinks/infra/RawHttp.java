package dev.sharelinks.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 exchange written byte for byte, for requests an HTTP client will not send: a target with an invalid
 * escape ({@code ?%zz}), a request line longer than a server takes, a client address of one's choosing. The
 * connection is closed after the answer, which is read to its end.
 */
public final class RawHttp {

    private RawHttp() {}

    /** An answer: its status, its headers by lower-case name (the last of a repeated one) and its body as text. */
    public record Response(int status, Map<String, String> headers, String body) {

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    /** {@code method target} to 127.0.0.1:{@code port}, with {@code headers} and no body. */
    public static Response exchange(int port, String method, String target, Map<String, String> headers) {
        return exchange(null, port, method, target, headers, new byte[0]);
    }

    /**
     * {@code method target} to 127.0.0.1:{@code port} from {@code from} (any local address if null), with
     * {@code headers}, {@code Host} and, for a body, {@code Content-Length}.
     */
    public static Response exchange(
            @Nullable InetSocketAddress from,
            int port,
            String method,
            String target,
            Map<String, String> headers,
            byte[] body) {
        StringBuilder head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port)
                .append("\r\nConnection: close\r\n");
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body.length > 0) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket()) {
            if (from != null) {
                socket.bind(from);
            }
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            try (InputStream in = socket.getInputStream()) {
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target, e);
        }
    }

    private static Response parse(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        if (!answer.startsWith("HTTP/1.1 ") || end < 0) {
            throw new IllegalStateException("not an HTTP/1.1 answer: " + answer);
        }
        List<String> lines = answer.substring(0, end).lines().toList();
        Map<String, String> headers = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            headers.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        return new Response(
                Integer.parseInt(lines.get(0).substring(9, 12)), Map.copyOf(headers), answer.substring(end + 4));
    }
}
