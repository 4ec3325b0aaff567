package dev.sharelinks.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate authority and a server certificate it signed for {@code localhost} and {@code 127.0.0.1}, made with
 * the machine's {@code openssl} (a dependency of Debian's {@code ca-certificates}, so every JDK install has it): what
 * a test needs to run a server over TLS and a client that verifies it.
 *
 * @param authority the CA's certificate (PEM), which a verifying client trusts
 * @param certificate the server's certificate (PEM)
 * @param key the server's private key (PEM, unencrypted)
 */
public record TestCertificates(Path authority, Path certificate, Path key) {

    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(60);

    /** Makes them in {@code dir}, under its own CA named {@code name}. */
    public static TestCertificates issue(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("openssl.log");
            Path caKey = dir.resolve(name + "-ca.key");
            Path ca = dir.resolve(name + "-ca.crt");
            Path key = dir.resolve(name + "-server.key");
            Path request = dir.resolve(name + "-server.csr");
            Path certificate = dir.resolve(name + "-server.crt");
            Path extensions =
                    Files.writeString(dir.resolve(name + "-server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            openssl(
                    log,
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=" + name + " test CA",
                    "-keyout",
                    caKey.toString(),
                    "-out",
                    ca.toString());
            openssl(
                    log,
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-subj",
                    "/CN=localhost",
                    "-keyout",
                    key.toString(),
                    "-out",
                    request.toString());
            openssl(
                    log,
                    "x509",
                    "-req",
                    "-days",
                    "2",
                    "-in",
                    request.toString(),
                    "-CA",
                    ca.toString(),
                    "-CAkey",
                    caKey.toString(),
                    "-CAcreateserial",
                    "-extfile",
                    extensions.toString(),
                    "-out",
                    certificate.toString());
            return new TestCertificates(ca, certificate, key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make certificates in " + dir, e);
        }
    }

    private static void openssl(Path log, String... arguments) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Processes.run(command, log, OPENSSL_TIMEOUT);
    }
}
