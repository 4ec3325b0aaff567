package dev.sharelinks.audit;

import dev.sharelinks.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What to replay and where to write it ({@code --from}, {@code --out} on the command line: see application.yml).
 *
 * @param outputDir the folder the trail's files are written into
 * @param from replay only what happened from this instant on; absent: everything, from the start of each topic
 * @param topics the event topics to read; every one by default
 * @param stallTimeout how long the replay may read nothing before it gives up (the broker is away)
 */
@ConfigurationProperties("sharelinks.audit")
public record AuditProperties(
        @DefaultValue("audit") Path outputDir,
        @Nullable Instant from,
        @Nullable List<String> topics,
        @DefaultValue("30s") Duration stallTimeout) {

    public List<String> topicsToRead() {
        return topics == null || topics.isEmpty() ? Topics.ALL : topics;
    }
}
