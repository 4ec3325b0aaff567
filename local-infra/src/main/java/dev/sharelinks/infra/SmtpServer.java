package dev.sharelinks.infra;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server (SubEthaSMTP) on loopback. It keeps every message it accepts, once per recipient, and can write
 * each as an {@code .eml} file into a folder, so a person (or a script) can read the local stack's mail.
 * <p>
 * Like a real server that does not have a mailbox, it refuses for good ({@code 550 5.1.1} at {@code RCPT}) every
 * recipient in the {@code .invalid} top-level domain, which RFC 2606 reserves for names that can never exist: tests
 * use such an address to see what a permanently undeliverable recipient does to the mailer.
 */
public final class SmtpServer implements AutoCloseable {

    /** Recipients in this domain are refused with a permanent error. */
    public static final String REFUSED_DOMAIN = ".invalid";

    private final int port;
    private final @Nullable Path mailDir;
    private final Session session = Session.getInstance(new Properties());
    private final AtomicLong written = new AtomicLong();
    private final List<ReceivedMail> received = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private volatile Duration acceptDelay = Duration.ZERO;
    private @Nullable SMTPServer server;

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

    /**
     * One accepted message for one envelope recipient ({@code RCPT TO}): who it really went to, and when the server
     * accepted it (the end of {@code DATA}, after any {@link #delayEachMessage} delay), and over which connection:
     * the client's address and port, so a test can tell mails sent over one connection from mails sent over several.
     * {@link #raw} is the message as it came over the wire (dot-unstuffed), for what a parse could change: a DKIM
     * signature is over these bytes.
     */
    @SuppressWarnings("ArrayRecordComponent") // never compared as a whole; the accessor hands out a copy
    public record ReceivedMail(
            String recipient, MimeMessage message, Instant acceptedAt, String connection, byte[] raw) {

        @Override
        public byte[] raw() {
            return raw.clone();
        }
    }

    /** Every message accepted so far, one per recipient, restarts included. */
    public List<ReceivedMail> received() {
        return List.copyOf(received);
    }

    /** The messages of {@link #received()}. */
    public List<MimeMessage> receivedMessages() {
        return received.stream().map(ReceivedMail::message).toList();
    }

    /** The envelope recipients of {@link #received()}, whatever the messages' headers say. */
    public List<String> receivedRecipients() {
        return received.stream().map(ReceivedMail::recipient).toList();
    }

    /** Every recipient refused so far, once per {@code RCPT} that named it: a client retrying it shows here. */
    public List<String> refusedRecipients() {
        return List.copyOf(refused);
    }

    /**
     * Makes the server take {@code delay} to accept each message, as a busy real server does: a test can then stop
     * a client in the middle of a batch of mails rather than after it.
     */
    public void delayEachMessage(Duration delay) {
        acceptDelay = delay;
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        // a stopped SubEthaSMTP server cannot start again: each start builds a new one on the same port
        SMTPServer started = SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("sharelinks-smtp.local")
                .messageHandlerFactory(this::newMessage)
                .build();
        started.start();
        server = started;
    }

    /** Stops accepting mail (connections are refused) until {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private MessageHandler newMessage(MessageContext context) {
        List<String> recipients = new ArrayList<>();
        return new MessageHandler() {
            @Override
            public void from(String from) {
                // every sender is welcome
            }

            @Override
            public void recipient(String recipient) throws RejectException {
                if (recipient.toLowerCase(Locale.ROOT).endsWith(REFUSED_DOMAIN)) {
                    refused.add(recipient);
                    throw new RejectException(550, "5.1.1 <" + recipient + ">: mailbox unavailable");
                }
                recipients.add(recipient);
            }

            @Override
            public @Nullable String data(InputStream data) throws IOException {
                byte[] message = data.readAllBytes();
                pause(acceptDelay);
                Instant acceptedAt = Instant.now();
                for (String recipient : recipients) {
                    if (mailDir != null) {
                        writeEml(message, recipient);
                    }
                    received.add(new ReceivedMail(
                            recipient,
                            parse(message),
                            acceptedAt,
                            String.valueOf(context.getRemoteAddress()),
                            message));
                }
                return null;
            }

            @Override
            public void done() {
                // nothing held between messages
            }
        };
    }

    private static void pause(Duration delay) throws IOException {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while accepting a message", e);
        }
    }

    private MimeMessage parse(byte[] message) throws IOException {
        try {
            return new MimeMessage(session, new ByteArrayInputStream(message));
        } catch (MessagingException e) {
            throw new IOException("not a MIME message", e);
        }
    }

    private void writeEml(byte[] message, String recipient) {
        try {
            Path dir = Files.createDirectories(mailDir);
            String name =
                    "%06d-%s.eml".formatted(written.incrementAndGet(), recipient.replaceAll("[^A-Za-z0-9@._-]", "_"));
            Path partial = dir.resolve(name + ".part");
            Files.write(partial, message);
            // rename so that a reader polling the folder never sees half a file
            Files.move(partial, dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write mail to " + mailDir, e);
        }
    }
}
