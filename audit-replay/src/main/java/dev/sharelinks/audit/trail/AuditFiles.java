package dev.sharelinks.audit.trail;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.SequenceWriter;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * Writes an audit trail as files an auditor opens with anything: each of the trail, the links and the tokens as JSON
 * lines (one object per line, empty fields left out) and as CSV (a header, every column, lists joined with
 * {@code ;}). Times are ISO-8601 instants in UTC.
 */
public final class AuditFiles {

    public static final String TRAIL = "audit-trail";
    public static final String LINKS = "links";
    public static final String TOKENS = "tokens";

    private final JsonMapper json = JsonMapper.builder()
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();
    private final CsvMapper csv = CsvMapper.builder()
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    /** Writes the six files into {@code dir} (created if need be), replacing files of an earlier replay. */
    public List<Path> write(AuditTrail trail, Path dir) {
        try {
            Files.createDirectories(dir);
            return List.of(
                    jsonLines(dir.resolve(TRAIL + ".jsonl"), trail.entries()),
                    csv(dir.resolve(TRAIL + ".csv"), AuditEntry.class, trail.entries()),
                    jsonLines(dir.resolve(LINKS + ".jsonl"), trail.links()),
                    csv(dir.resolve(LINKS + ".csv"), LinkSummary.class, trail.links()),
                    jsonLines(dir.resolve(TOKENS + ".jsonl"), trail.tokens()),
                    csv(dir.resolve(TOKENS + ".csv"), TokenSummary.class, trail.tokens()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit trail into " + dir, e);
        }
    }

    private Path jsonLines(Path file, List<?> rows) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Object row : rows) {
                out.write(json.writeValueAsString(row));
                out.write('\n');
            }
        }
        return file;
    }

    private Path csv(Path file, Class<?> type, List<?> rows) throws IOException {
        CsvSchema schema = csv.schemaFor(type).withHeader().withArrayElementSeparator(";");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                SequenceWriter writer = csv.writer(schema).writeValues(out)) {
            writer.writeAll(rows);
        }
        return file;
    }
}
