package dev.sharelinks.infra;

import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A real SMTP server (GreenMail) on loopback. Optionally writes every message it accepts, once per recipient, as one
 * {@code .eml} file into a folder, so a person (or a script) can read the local stack's mail.
 */
public final class SmtpServer implements AutoCloseable {

    private final int port;
    private final @Nullable Path mailDir;
    private final AtomicLong written = new AtomicLong();
    private @Nullable GreenMail greenMail;

    private SmtpServer(int port, @Nullable Path mailDir) {
        this.port = port;
        this.mailDir = mailDir;
    }

    public static SmtpServer start(int port, @Nullable Path mailDir) {
        SmtpServer server = new SmtpServer(port, mailDir);
        server.start();
        return server;
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** Every message accepted since the server (re)started, one per recipient. */
    public List<MimeMessage> receivedMessages() {
        GreenMail running = greenMail;
        return running == null ? List.of() : List.of(running.getReceivedMessages());
    }

    public synchronized void start() {
        if (greenMail != null) {
            return;
        }
        GreenMail server = new GreenMail(new ServerSetup(port, host(), ServerSetup.PROTOCOL_SMTP));
        if (mailDir != null) {
            UserManager users = server.getUserManager();
            MessageDeliveryHandler store = users.getMessageDeliveryHandler();
            users.setMessageDeliveryHandler((message, recipient) -> {
                writeEml(message.getMessage(), recipient.getEmail());
                return store.handle(message, recipient);
            });
        }
        server.start();
        greenMail = server;
    }

    /** Stops accepting mail (connections are refused) until {@link #start()}. */
    public synchronized void stop() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void writeEml(MimeMessage message, String recipient) {
        try {
            Path dir = Files.createDirectories(mailDir);
            String name = "%06d-%s.eml".formatted(written.incrementAndGet(), recipient.replaceAll("[^A-Za-z0-9@._-]", "_"));
            Path partial = dir.resolve(name + ".part");
            try (OutputStream out = Files.newOutputStream(partial)) {
                message.writeTo(out);
            }
            // rename so that a reader polling the folder never sees half a file
            Files.move(partial, dir.resolve(name));
        } catch (IOException | jakarta.mail.MessagingException e) {
            throw new UncheckedIOException(new IOException("cannot write mail to " + mailDir, e));
        }
    }
}
