package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Visitors on keep-alive connections, and visitors who hang up at any moment: every request that is asked gets its
 * answer, and nothing a hang-up cancels is left behind for a later visitor to wait on.
 */
class HangUpIT extends RedirectorIntegrationTest {

    @LocalServerPort
    int port;

    private final Random random = new Random(20261125);

    /**
     * Reactor Netty 1.3.6 stopped reading a connection whose next request arrived before the previous request's
     * operations had terminated; a quick succession of database-bound and immediate answers hit it within a few
     * dozen requests (reactor-netty#4361); a thousand is many times that.
     */
    @Test
    void whenOneKeepAliveConnectionAsksInQuickSuccessionThenEveryRequestIsAnswered() throws Exception {
        PublishedLink link = publishLink(
                "media/hangup/kept.bin", "kept.bin", 1_000_000, Instant.now().plusSeconds(3600));
        List<String> paths = List.of(
                "/api/v2/shareable_links/" + link.key(), // answered after a grant statement
                "/api/v2/shareable_links/no-such-key", // after a lookup
                "/api/v2/shareable_links/%00", // at once, without the database
                "/share/%00");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < 1_000; i++) {
                String path = paths.get(random.nextInt(paths.size()));
                out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                try {
                    assertThat(readResponse(in)).as(path).isIn("HTTP/1.1 302 Found", "HTTP/1.1 404 Not Found");
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("request " + i + " (" + path + ") got no answer within 10 s", e);
                }
            }
        }
    }

    @Test
    void whenVisitorsHangUpMidRequestThenEveryLaterRequestIsStillAnswered() throws Exception {
        PublishedLink link = publishLink(
                "media/hangup/file.bin", "file.bin", 1_000_000, Instant.now().plusSeconds(3600));
        List<String> paths = List.of(
                "/api/v2/shareable_links/" + link.key(),
                "/api/v2/shareable_links/no-such-key",
                "/share/no-such-token",
                "/share/no-such-token?with=query");
        for (int i = 0; i < 1_000; i++) {
            String method = i % 8 < 4 ? "GET" : "HEAD";
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoLinger(true, 0); // close with a reset, as a dropped connection does
                OutputStream out = socket.getOutputStream();
                out.write((method + " " + paths.get(i % paths.size()) + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                LockSupport.parkNanos(random.nextInt(3_000_000));
            }
        }

        // more requests than the pool has connections, so each connection a hang-up could have spoilt is used
        for (int i = 0; i < 200; i++) {
            String path = paths.get(i % paths.size());
            HttpResponse<String> response = getRaw(URI.create("http://127.0.0.1:" + port + path));
            assertThat(response.statusCode()).as(path).isEqualTo(i % paths.size() == 0 ? 302 : 404);
        }
    }

    /** Reads one response with a Content-Length body; returns its status line. */
    private static String readResponse(InputStream in) throws IOException {
        String status = line(in);
        int length = 0;
        for (String header; !(header = line(in)).isEmpty(); ) {
            if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(header.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("connection closed mid-response");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
