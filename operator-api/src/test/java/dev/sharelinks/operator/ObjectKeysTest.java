package dev.sharelinks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {

    @Test
    void relativePathsOfSafeCharactersAreObjectKeys() {
        for (String key : List.of(
                "media/4/original.jpg",
                "original.jpg",
                "Harbour photos/2026 (final)/board+1.jpg",
                "ärzte/日本/file_name-1.tar.gz",
                "a/..b/c..",
                ".hidden/file",
                "x".repeat(1024))) {
            assertThat(ObjectKeys.problem(key)).as(key).isEmpty();
        }
    }

    @Test
    void traversalLeadingSlashesEmptySegmentsAndUnsafeCharactersAreRefused() {
        for (String key : List.of(
                "",
                "/media/4/original.jpg",
                "media/4/",
                "../other/object",
                "media/../../x",
                "media/./x",
                "media//x",
                "..",
                ".",
                "media\\x",
                "media/x?y",
                "media/x#y",
                "media/%2e%2e/x",
                "media/\u0000x",
                "media/\nx",
                "media/x\u202e",
                "a".repeat(1025),
                "é".repeat(513),
                "media/~x",
                "media/x\"y",
                "media/{x}")) {
            assertThat(ObjectKeys.problem(key)).as(key).isPresent();
        }
    }
}
