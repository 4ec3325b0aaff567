package dev.sharelinks.redirector.visitor;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;

/**
 * Tells link-preview and scanner agents (chat unfurlers, mail security scanners, search and preview bots) from
 * people by their {@code User-Agent}, so that their GETs spend no download. The patterns are one file
 * ({@code visitor/preview-agents.txt}, or the one {@code sharelinks.visitor.preview-agents} names): a line is a
 * name and a Java regular expression found anywhere in the agent, case-insensitively.
 * <p>
 * The file's patterns are compiled into one expression, and each agent string's answer is kept in a bounded cache:
 * a redeem from a browser or API client seen before costs a hash lookup, not a scan of every pattern.
 */
@Component
public class PreviewAgents {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");

    private final Pattern anyAgent;
    private final List<String> names;
    private final Cache<String, Optional<String>> answers =
            Caffeine.newBuilder().maximumSize(10_000).build();

    @Autowired
    public PreviewAgents(VisitorProperties properties, ResourceLoader resources) {
        this(read(resources.getResource(properties.previewAgents())));
    }

    PreviewAgents(Map<String, String> patternsByName) {
        this.names = List.copyOf(patternsByName.keySet());
        List<String> groups = new ArrayList<>();
        patternsByName.forEach((name, pattern) -> groups.add("(?<" + name + ">" + pattern + ")"));
        this.anyAgent = groups.isEmpty()
                ? Pattern.compile("(?!)")
                : Pattern.compile(String.join("|", groups), Pattern.CASE_INSENSITIVE);
    }

    /** The name of the preview agent this {@code User-Agent} belongs to; empty for a person or an API client. */
    public Optional<String> match(@Nullable String userAgent) {
        if (userAgent == null || userAgent.isEmpty()) {
            return Optional.empty();
        }
        return answers.get(userAgent, this::scan);
    }

    /** The names of the file's agents, in its order. */
    public List<String> names() {
        return names;
    }

    private Optional<String> scan(String userAgent) {
        Matcher matcher = anyAgent.matcher(userAgent);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return names.stream().filter(name -> matcher.start(name) >= 0).findFirst();
    }

    /**
     * The file's lines, {@code name pattern}: blank lines and {@code #} comments are skipped; a name is lower-case
     * letters and digits, given once; the pattern is the rest of the line.
     */
    static Map<String, String> read(Resource file) {
        Map<String, String> patterns = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = file.getContentAsString(StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the preview agents from " + file, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            String where = file.getDescription() + ", line " + (i + 1);
            if (parts.length < 2 || !NAME.matcher(parts[0]).matches()) {
                throw new IllegalArgumentException(where + ": expected a lower-case name and a pattern");
            }
            try {
                Pattern.compile(parts[1]);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(where + ": " + e.getDescription(), e);
            }
            if (patterns.putIfAbsent(parts[0], parts[1]) != null) {
                throw new IllegalArgumentException(where + ": " + parts[0] + " is named twice");
            }
        }
        return patterns;
    }
}
