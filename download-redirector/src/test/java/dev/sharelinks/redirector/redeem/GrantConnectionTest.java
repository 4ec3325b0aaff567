package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

/** The grant connection against a server that accepts connections and never answers. */
class GrantConnectionTest {

    @Test
    void whenTheServerNeverAnswersThenOpeningGivesUpAfterTheLoginTimeoutAndTheThreadServesTheNextStatement()
            throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            GrantConnectionProperties properties = new GrantConnectionProperties(
                    "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/sharelinks",
                    "sharelinks",
                    "",
                    Duration.ofSeconds(1));
            try (GrantConnection connection = new GrantConnection(properties, 1, "grant-statements-test")) {
                // without a login timeout pgjdbc waits for the server's answer for ever (its socket timeout is off),
                // and block gives up after 30 s with another exception; the second attempt shows the thread free
                for (int attempt = 0; attempt < 2; attempt++) {
                    assertThatThrownBy(() -> connection.run(opened -> true).block(Duration.ofSeconds(30)))
                            .isInstanceOf(DataAccessResourceFailureException.class);
                }
            }
            assertThat(accepted).as("both attempts reached the server").hasSizeGreaterThanOrEqualTo(2);
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
