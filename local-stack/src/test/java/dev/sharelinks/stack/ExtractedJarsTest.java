package dev.sharelinks.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExtractedJars} on runnable jars whose extraction {@link FakeJarmodeTools} does. */
class ExtractedJarsTest {

    @TempDir
    Path services;

    @Test
    void aJarIsExtractedOnceAndRunFromItsPlainCounterpart() throws Exception {
        Path jar = runnableJar("link-api.jar", "v1");

        Path first = ExtractedJars.of(jar);
        Path again = ExtractedJars.of(jar);

        assertThat(again).isEqualTo(first);
        assertThat(first).isRegularFile().hasFileName("link-api.jar");
        assertThat(first.getParent().resolve("lib")).isDirectory();
        assertThat(first.getParent().getParent()).isEqualTo(services.resolve("extracted"));
        assertThat(extractions()).isEqualTo(1);
    }

    @Test
    void aRebuiltJarGetsAFolderOfItsOwnAndTheServicesOlderOneGoes() throws Exception {
        Path other = ExtractedJars.of(runnableJar("token-api.jar", "v1"));
        Path before = ExtractedJars.of(runnableJar("link-api.jar", "v1"));

        Path after = ExtractedJars.of(runnableJar("link-api.jar", "v2"));

        assertThat(after.getParent()).isNotEqualTo(before.getParent());
        assertThat(before.getParent()).doesNotExist();
        assertThat(other).as("another service's").isRegularFile();
        assertThat(extractions()).isEqualTo(3);
    }

    @Test
    void stacksStartingSideBySideRunOneExtractionFolder() throws Exception {
        Path jar = runnableJar("mailer-service.jar", "v1");
        ExecutorService stacks = Executors.newFixedThreadPool(3);
        List<Future<Path>> extracted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            extracted.add(stacks.submit(() -> ExtractedJars.of(jar)));
        }
        List<Path> runnable = new ArrayList<>();
        for (Future<Path> each : extracted) {
            runnable.add(each.get());
        }
        stacks.shutdown();

        assertThat(runnable).containsOnly(runnable.get(0));
        assertThat(runnable.get(0)).isRegularFile();
        try (Stream<Path> folders = Files.list(services.resolve("extracted"))) {
            assertThat(folders)
                    .as("no half-extracted folder left")
                    .containsExactly(runnable.get(0).getParent());
        }
    }

    @Test
    void aJarThatCannotBeExtractedFailsWithTheToolsOutputAndLeavesNothing() throws Exception {
        Path jar = runnableJar("download-redirector.jar", "fail");

        assertThatThrownBy(() -> ExtractedJars.of(jar)).hasMessageContaining("this jar cannot be extracted");
        try (Stream<Path> folders = Files.list(services.resolve("extracted"))) {
            assertThat(folders).isEmpty();
        }
    }

    /** A runnable jar whose main class is {@link FakeJarmodeTools}, with one entry named {@code entry}. */
    private Path runnableJar(String name, String entry) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeJarmodeTools.class.getName());
        Path jar = services.resolve(name);
        String mainClass = FakeJarmodeTools.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream main = Objects.requireNonNull(
                        FakeJarmodeTools.class.getClassLoader().getResourceAsStream(mainClass))) {
            out.putNextEntry(new JarEntry(mainClass));
            main.transferTo(out);
            out.putNextEntry(new JarEntry(entry));
            out.closeEntry();
        }
        return jar;
    }

    private long extractions() throws IOException {
        return Files.readAllLines(services.resolve("extractions.log")).size();
    }
}
