package dev.sharelinks.stack;

import dev.sharelinks.infra.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Runnable Spring Boot jars, extracted once ({@code java -Djarmode=tools -jar app.jar extract}) into a plain jar with
 * its libraries beside it, the layout Spring Boot advises running from and the image runs. The JDK's class loader
 * then finds a class with a hash lookup in each library, where the nested-jar launcher parsed and opened a URL per
 * library, which took a large part of each start's CPU (figures in the local-stack README).
 */
final class ExtractedJars {

    private static final Duration EXTRACT_TIMEOUT = Duration.ofMinutes(2);

    private ExtractedJars() {}

    /**
     * The plain jar to run for {@code jar}, extracted on first use into {@code extracted/} beside it. The folder is
     * named by the jar's content, so a rebuilt jar gets a folder of its own, and it is moved into place whole, so
     * stacks that start side by side never run a half-extracted one.
     */
    static Path of(Path jar) {
        try {
            String name = jar.getFileName().toString();
            String service = name.replaceFirst("\\.jar$", "");
            Path extracted = jar.resolveSibling("extracted").resolve(service + "-" + fingerprint(jar));
            Path runnable = extracted.resolve(name);
            if (Files.isRegularFile(runnable)) {
                return runnable;
            }
            Files.createDirectories(extracted.getParent());
            Path work = Files.createTempDirectory(extracted.getParent(), ".extracting-");
            try {
                Path destination = work.resolve("jar");
                Processes.run(
                        List.of(
                                Processes.java(),
                                "-Djarmode=tools",
                                "-jar",
                                jar.toString(),
                                "extract",
                                "--destination",
                                destination.toString()),
                        work.resolve("extract.log"),
                        EXTRACT_TIMEOUT);
                moveIntoPlace(destination, extracted, runnable);
            } finally {
                LocalStack.deleteRecursively(work);
            }
            deleteOtherVersions(extracted, service);
            return runnable;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + jar, e);
        }
    }

    /**
     * A digest of the jar's entries, names with their CRC-32 and size, read from its central directory: the build
     * stamps every jar with the same time (reproducible builds), so its date cannot tell a rebuilt jar.
     */
    private static String fingerprint(Path jar) throws IOException {
        StringBuilder entries = new StringBuilder();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream()
                    .forEach(entry -> entries.append(entry.getName())
                            .append(' ')
                            .append(entry.getCrc())
                            .append(' ')
                            .append(entry.getSize())
                            .append('\n'));
        }
        return LocalStack.sha256(entries.toString().getBytes(StandardCharsets.UTF_8))
                .substring(0, 16);
    }

    /**
     * Deletes the service's folders for jars it was built as before, so that rebuilds do not pile them up in
     * {@code extracted/}; a stack still running one of them keeps the files it has open.
     */
    private static void deleteOtherVersions(Path extracted, String service) throws IOException {
        Pattern sameService = Pattern.compile(Pattern.quote(service) + "-[0-9a-f]{16}");
        try (Stream<Path> folders = Files.list(extracted.getParent())) {
            for (Path folder : folders.toList()) {
                if (!folder.equals(extracted)
                        && sameService.matcher(folder.getFileName().toString()).matches()) {
                    try {
                        LocalStack.deleteRecursively(folder);
                    } catch (UncheckedIOException deletedBesideUs) {
                        // housekeeping only: a stack starting beside this one may be deleting it too
                    }
                }
            }
        }
    }

    private static void moveIntoPlace(Path destination, Path extracted, Path runnable) throws IOException {
        try {
            Files.move(destination, extracted, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException notMoved) {
            // "Directory not empty" when a stack starting beside this one extracted the same jar first: theirs is as
            // good; anything else is a failure
            if (!Files.isRegularFile(runnable)) {
                throw notMoved;
            }
        }
    }
}
