package dev.sharelinks.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.jar.JarFile;

/**
 * The main class of the runnable jars {@link ExtractedJarsTest} makes, standing in for Spring Boot's {@code
 * jarmode=tools extract}: writes the jar's plain counterpart and a {@code lib/} folder into the destination, notes
 * each extraction in {@code extractions.log} beside the jar, and fails when the jar holds an entry named {@code fail}.
 */
public final class FakeJarmodeTools {

    private FakeJarmodeTools() {}

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(System.getProperty("java.class.path"));
        if (!"tools".equals(System.getProperty("jarmode"))
                || args.length != 3
                || !args[0].equals("extract")
                || !args[1].equals("--destination")) {
            System.err.println("unexpected command line");
            System.exit(2);
        }
        try (JarFile contents = new JarFile(jar.toFile())) {
            if (contents.getEntry("fail") != null) {
                System.err.println("this jar cannot be extracted");
                System.exit(1);
            }
        }
        Path destination = Path.of(args[2]);
        Files.createDirectories(destination.resolve("lib"));
        Files.copy(jar, destination.resolve(jar.getFileName()));
        Files.writeString(
                jar.resolveSibling("extractions.log"),
                "extracted\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
