package dev.sharelinks.events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What one service may do on Kafka, and so the ACLs of its Kafka user: where the topics and consumer groups of its
 * listeners, its outbox and its read-your-writes waits meet the brokers' authorization. The manifests' KafkaUsers
 * must grant exactly this ({@code ManifestTest}); each service's listeners, as they run, must read exactly what it
 * says ({@code KafkaAccessIT} in link-api and the redirector, {@code KafkaSecurityIT} in the mailer). The mailer and
 * token-api run on this alone against a broker that enforces ACLs ({@code KafkaSecurityIT}).
 *
 * @param user the service's Kafka user, named as its Deployment (the audit replay, a command, has one too)
 * @param writes the topics it produces to: its events' topics, and the dead-letter topics of what it consumes
 * @param reads the topics it consumes
 * @param groupPrefix the prefix of every consumer group it joins (a rebuild's new group included); null: none
 * @param offsetsOf the prefix of the groups whose committed offsets it reads, to answer once the redirector applied
 *     an event (read-your-writes); null: none
 */
public record KafkaAccess(
        String user,
        Set<String> writes,
        Set<String> reads,
        @Nullable String groupPrefix,
        @Nullable String offsetsOf) {

    public static final KafkaAccess LINK_API = new KafkaAccess(
            "link-api",
            Stream.concat(
                            Stream.of(Topics.LINKS, Topics.SHARES),
                            deadLettersOf(Topics.LINKS, Topics.DOWNLOADS, Topics.SHARES))
                    .collect(Collectors.toSet()),
            Set.of(Topics.LINKS, Topics.DOWNLOADS, Topics.SHARES),
            "link-api",
            "download-redirector");
    public static final KafkaAccess TOKEN_API =
            new KafkaAccess("token-api", Set.of(Topics.TOKENS), Set.of(), null, "download-redirector");
    public static final KafkaAccess DOWNLOAD_REDIRECTOR = new KafkaAccess(
            "download-redirector",
            Stream.concat(Stream.of(Topics.DOWNLOADS), deadLettersOf(Topics.LINKS, Topics.DOWNLOADS, Topics.TOKENS))
                    .collect(Collectors.toSet()),
            Set.of(Topics.LINKS, Topics.DOWNLOADS, Topics.TOKENS),
            "download-redirector",
            null);
    public static final KafkaAccess MAILER_SERVICE = new KafkaAccess(
            "mailer-service",
            Set.of(Topics.SHARES, Topics.deadLetterOf(Topics.SHARES)),
            Set.of(Topics.SHARES),
            "mailer-service",
            null);

    /** The audit replay's: it reads every event topic, assigning the partitions itself (no consumer group). */
    public static final KafkaAccess AUDIT_REPLAY =
            new KafkaAccess("audit-replay", Set.of(), Set.copyOf(Topics.ALL), null, null);

    /** Every Kafka user's: the services' and the audit replay's. */
    public static final List<KafkaAccess> ALL =
            List.of(LINK_API, TOKEN_API, DOWNLOAD_REDIRECTOR, MAILER_SERVICE, AUDIT_REPLAY);

    public KafkaAccess {
        writes = Set.copyOf(writes);
        reads = Set.copyOf(reads);
    }

    /**
     * What of these running listeners its ACLs would refuse: a topic it may not read or whose dead letters it may
     * not write, a consumer group outside its prefix; and a topic it may read that none listens to. Empty when the
     * listeners run on exactly this access.
     *
     * @param topicsByGroup each listener's consumer group and the topics it subscribes to
     */
    public List<String> mismatchesWith(Map<String, Set<String>> topicsByGroup) {
        List<String> mismatches = new ArrayList<>();
        Set<String> listened = new TreeSet<>();
        topicsByGroup.forEach((group, topics) -> {
            if (groupPrefix == null || !group.startsWith(groupPrefix)) {
                mismatches.add("group " + group + " is not " + user + "'s");
            }
            for (String topic : topics) {
                listened.add(topic);
                if (!reads.contains(topic)) {
                    mismatches.add(user + " may not read " + topic);
                }
                if (!writes.contains(Topics.deadLetterOf(topic))) {
                    mismatches.add(user + " may not write " + topic + "'s dead letters");
                }
            }
        });
        reads.stream()
                .filter(topic -> !listened.contains(topic))
                .forEach(topic -> mismatches.add(user + " may read " + topic + ", which no listener reads"));
        return mismatches;
    }

    /**
     * The ACLs that allow exactly this, sorted, each as Strimzi's KafkaUser spells one: Write and Read imply Describe
     * (which the outbox's topic check and the consumers' metadata need), and an idempotent producer needs nothing
     * more than Write.
     */
    public List<Acl> acls() {
        Stream<Acl> topics = Stream.concat(
                writes.stream().map(topic -> new Acl("topic", topic, "literal", "Write")),
                reads.stream().map(topic -> new Acl("topic", topic, "literal", "Read")));
        Stream<Acl> groups = Stream.concat(
                Stream.ofNullable(groupPrefix).map(prefix -> new Acl("group", prefix, "prefix", "Read")),
                Stream.ofNullable(offsetsOf).map(prefix -> new Acl("group", prefix, "prefix", "Describe")));
        return Stream.concat(topics, groups)
                .sorted(Comparator.comparing(Acl::toString))
                .toList();
    }

    /**
     * One allowing ACL entry, named as a Strimzi KafkaUser's {@code spec.authorization.acls} names it.
     *
     * @param resourceType {@code topic} or {@code group}
     * @param patternType {@code literal} or {@code prefix}
     * @param operation {@code Write}, {@code Read} or {@code Describe}
     */
    public record Acl(String resourceType, String name, String patternType, String operation) {}

    private static Stream<String> deadLettersOf(String... topics) {
        return Stream.of(topics).map(Topics::deadLetterOf);
    }
}
