package dev.sharelinks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FilenamesTest {

    @Test
    void namesAPersonWouldGiveAFileAreFilenames() {
        for (String name : List.of(
                "report.pdf",
                "Résumé 2026 (final).docx",
                "日本語のファイル.txt",
                ".profile",
                "...",
                "a".repeat(255),
                "😀".repeat(255),
                "board minutes, draft #2.pdf")) {
            assertThat(Filenames.problem(name)).as(name).isEmpty();
        }
    }

    @Test
    void namesThatReadOtherThanTheyAreOrEscapeTheDownloadFolderAreRefused() {
        for (String name : List.of(
                "",
                " ",
                ".",
                "..",
                "a/b.pdf",
                "a\\b.pdf",
                "report\u202Efdp.exe",
                "a\u2066b",
                "a\u2069b",
                "a\u2028b",
                "a\u2029b",
                "\uFEFFreport.pdf",
                "a\tb",
                "a\nb",
                "a\u0000b",
                "a\uD800b",
                "a".repeat(256),
                "😀".repeat(256))) {
            assertThat(Filenames.problem(name)).as(name).isPresent();
        }
    }
}
