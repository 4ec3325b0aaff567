package dev.sharelinks.audit.trail;

import dev.sharelinks.audit.history.HistoryRecord;
import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.DownloadCountSettled;
import dev.sharelinks.events.DownloadRepeated;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.LinkRevoked;
import dev.sharelinks.events.MalformedEventException;
import dev.sharelinks.events.ShareMailDelivered;
import dev.sharelinks.events.ShareMailFailed;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.ShareTokenCreated;
import dev.sharelinks.events.ShareTokenDeleted;
import dev.sharelinks.events.ShareTokenDownloaded;
import dev.sharelinks.events.ShareTokenState;
import dev.sharelinks.events.ShareTokenUpdated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The audit trail of a replayed history: every event as an {@link AuditEntry} in the order things happened, and a
 * summary of every link and token they mention. A record that is not a Sharelinks event is kept as an
 * {@code unreadable} entry, not skipped: an auditor must see that something was there.
 */
public record AuditTrail(List<AuditEntry> entries, List<LinkSummary> links, List<TokenSummary> tokens) {

    /** Happened-before order; events of one instant in the order they were read. */
    private static final Comparator<AuditEntry> CHRONOLOGICAL = Comparator.comparing(AuditEntry::time)
            .thenComparing(AuditEntry::topic)
            .thenComparingInt(AuditEntry::partition)
            .thenComparingLong(AuditEntry::offset);

    /**
     * @param from leave out what happened before this instant (the events' own time, which a record's broker time
     *     can only follow: a replay from a time reads every record stored since, and some may be older events that
     *     waited in an outbox); null to keep everything
     */
    public static AuditTrail of(List<HistoryRecord> history, EventSerde serde, @Nullable Instant from) {
        List<AuditEntry> entries = new ArrayList<>(history.size());
        for (HistoryRecord record : history) {
            AuditEntry entry = entry(record, serde);
            if (from == null || !entry.time().isBefore(from)) {
                entries.add(entry);
            }
        }
        entries.sort(CHRONOLOGICAL);
        Map<Long, LinkStory> links = new TreeMap<>();
        Map<Long, TokenStory> tokens = new TreeMap<>();
        for (AuditEntry entry : entries) {
            if (entry.event().startsWith("share-token.")) {
                tokens.computeIfAbsent(entry.tokenId(), TokenStory::new).add(entry);
            } else if (entry.event().equals("share.requested")) {
                for (Long linkId : Objects.requireNonNull(entry.sharedLinkIds(), "a share's links")) {
                    links.computeIfAbsent(linkId, LinkStory::new).add(entry);
                }
            } else if (entry.linkId() != null) {
                links.computeIfAbsent(entry.linkId(), LinkStory::new).add(entry);
            }
        }
        return new AuditTrail(
                List.copyOf(entries),
                links.values().stream().map(LinkStory::summary).toList(),
                tokens.values().stream().map(TokenStory::summary).toList());
    }

    private static AuditEntry entry(HistoryRecord record, EventSerde serde) {
        if (record.value() == null) {
            return unreadable(record, "empty record");
        }
        EventEnvelope<?> event;
        try {
            event = serde.read(record.value());
        } catch (MalformedEventException e) {
            return unreadable(record, e.getMessage());
        }
        Object data = event.data();
        if (data instanceof LinkCreated created) {
            return fields(record, event, "link.created")
                    .linkId(created.linkId())
                    .accountId(created.accountId())
                    .mediaId(created.mediaId())
                    .assetId(created.assetId())
                    .filename(created.filename())
                    .expiresAt(created.expiresAt())
                    .downloadLimit(created.downloadLimit())
                    .build();
        }
        if (data instanceof LinkRevoked revoked) {
            return fields(record, event, "link.revoked")
                    .linkId(revoked.linkId())
                    .accountId(revoked.accountId())
                    .build();
        }
        if (data instanceof ShareRequested share) {
            return fields(record, event, "share.requested")
                    .shareId(share.shareId())
                    .accountId(share.accountId())
                    .recipients(share.recipients())
                    .sharedLinkIds(share.links().stream()
                            .map(ShareRequested.SharedLink::linkId)
                            .toList())
                    .build();
        }
        if (data instanceof ShareMailDelivered delivered) {
            return fields(record, event, "share.mail-delivered")
                    .shareId(delivered.shareId())
                    .accountId(delivered.accountId())
                    .recipients(List.of(delivered.recipient()))
                    .sharedLinkIds(delivered.linkIds())
                    .build();
        }
        if (data instanceof ShareMailFailed failed) {
            return fields(record, event, "share.mail-failed")
                    .shareId(failed.shareId())
                    .accountId(failed.accountId())
                    .recipients(List.of(failed.recipient()))
                    .sharedLinkIds(failed.linkIds())
                    .problem(failed.reason())
                    .build();
        }
        if (data instanceof DownloadConsumed download) {
            return fields(record, event, "download.consumed")
                    .linkId(download.linkId())
                    .remaining(download.remaining())
                    .clientAddress(download.clientAddress())
                    .userAgent(download.userAgent())
                    .build();
        }
        if (data instanceof DownloadRepeated repeat) {
            return fields(record, event, "download.repeated")
                    .linkId(repeat.linkId())
                    .clientAddress(repeat.clientAddress())
                    .userAgent(repeat.userAgent())
                    .build();
        }
        if (data instanceof DownloadCountSettled settled) {
            return fields(record, event, "download.count-settled")
                    .linkId(settled.linkId())
                    .remaining(settled.remaining())
                    .build();
        }
        if (data instanceof ShareTokenCreated created) {
            return token(fields(record, event, "share-token.created"), created.token())
                    .tokenId(created.tokenId())
                    .userId(created.createUser())
                    .build();
        }
        if (data instanceof ShareTokenUpdated updated) {
            return token(fields(record, event, "share-token.updated"), updated.token())
                    .tokenId(updated.tokenId())
                    .userId(updated.updateUser())
                    .build();
        }
        if (data instanceof ShareTokenDeleted deleted) {
            return fields(record, event, "share-token.deleted")
                    .tokenId(deleted.tokenId())
                    .mediaId(deleted.mediaId())
                    .userId(deleted.deleteUser())
                    .build();
        }
        if (data instanceof ShareTokenDownloaded download) {
            return fields(record, event, "share-token.downloaded")
                    .tokenId(download.tokenId())
                    .mediaId(download.mediaId())
                    .clientAddress(download.clientAddress())
                    .userAgent(download.userAgent())
                    .exportDefinition(download.exportDefinition().name())
                    .build();
        }
        return unreadable(record, "no audit entry for " + event.type());
    }

    private static AuditEntry unreadable(HistoryRecord record, @Nullable String problem) {
        return new EntryBuilder(record.timestamp(), "unreadable", null, null, record)
                .problem(problem)
                .build();
    }

    /** The entry of a readable event so far: its envelope's fields and where it was read. */
    private static EntryBuilder fields(HistoryRecord record, EventEnvelope<?> event, String type) {
        return new EntryBuilder(event.occurredAt(), type, event.eventId().toString(), event.source(), record);
    }

    /** What a created or replaced token is. */
    private static EntryBuilder token(EntryBuilder entry, ShareTokenState token) {
        return entry.mediaId(token.mediaId())
                .title(token.title())
                .exportDefinition(token.exportDefinition().name())
                .activationDate(token.activationDate())
                .deactivationDate(token.deactivationDate());
    }

    /**
     * One entry being built: what every entry has, then what its event says; a field no event of its kind has
     * stays null, and is left out of the JSON lines and empty in the CSV.
     */
    private static final class EntryBuilder {

        private final Instant time;
        private final String event;
        private final @Nullable String eventId;
        private final @Nullable String source;
        private final HistoryRecord record;
        private @Nullable Long linkId;
        private @Nullable Long shareId;
        private @Nullable Long tokenId;
        private @Nullable Long accountId;
        private @Nullable Long mediaId;
        private @Nullable String assetId;
        private @Nullable String filename;
        private @Nullable Instant expiresAt;
        private @Nullable Integer downloadLimit;
        private @Nullable List<String> recipients;
        private @Nullable List<Long> sharedLinkIds;
        private @Nullable Integer remaining;
        private @Nullable String clientAddress;
        private @Nullable String userAgent;
        private @Nullable String title;
        private @Nullable String exportDefinition;
        private @Nullable Instant activationDate;
        private @Nullable Instant deactivationDate;
        private @Nullable Long userId;
        private @Nullable String problem;

        EntryBuilder(
                Instant time, String event, @Nullable String eventId, @Nullable String source, HistoryRecord record) {
            this.time = time;
            this.event = event;
            this.eventId = eventId;
            this.source = source;
            this.record = record;
        }

        EntryBuilder linkId(long value) {
            linkId = value;
            return this;
        }

        EntryBuilder shareId(long value) {
            shareId = value;
            return this;
        }

        EntryBuilder tokenId(long value) {
            tokenId = value;
            return this;
        }

        EntryBuilder accountId(long value) {
            accountId = value;
            return this;
        }

        EntryBuilder mediaId(@Nullable Long value) {
            mediaId = value;
            return this;
        }

        EntryBuilder assetId(@Nullable String value) {
            assetId = value;
            return this;
        }

        EntryBuilder filename(@Nullable String value) {
            filename = value;
            return this;
        }

        EntryBuilder expiresAt(@Nullable Instant value) {
            expiresAt = value;
            return this;
        }

        EntryBuilder downloadLimit(@Nullable Integer value) {
            downloadLimit = value;
            return this;
        }

        EntryBuilder recipients(List<String> value) {
            recipients = value;
            return this;
        }

        EntryBuilder sharedLinkIds(List<Long> value) {
            sharedLinkIds = value;
            return this;
        }

        EntryBuilder remaining(@Nullable Integer value) {
            remaining = value;
            return this;
        }

        EntryBuilder clientAddress(@Nullable String value) {
            clientAddress = value;
            return this;
        }

        EntryBuilder userAgent(@Nullable String value) {
            userAgent = value;
            return this;
        }

        EntryBuilder title(@Nullable String value) {
            title = value;
            return this;
        }

        EntryBuilder exportDefinition(@Nullable String value) {
            exportDefinition = value;
            return this;
        }

        EntryBuilder activationDate(@Nullable Instant value) {
            activationDate = value;
            return this;
        }

        EntryBuilder deactivationDate(@Nullable Instant value) {
            deactivationDate = value;
            return this;
        }

        EntryBuilder userId(@Nullable Long value) {
            userId = value;
            return this;
        }

        EntryBuilder problem(@Nullable String value) {
            problem = value;
            return this;
        }

        AuditEntry build() {
            return new AuditEntry(
                    time,
                    event,
                    eventId,
                    source,
                    linkId,
                    shareId,
                    tokenId,
                    accountId,
                    mediaId,
                    assetId,
                    filename,
                    expiresAt,
                    downloadLimit,
                    recipients,
                    sharedLinkIds,
                    remaining,
                    clientAddress,
                    userAgent,
                    title,
                    exportDefinition,
                    activationDate,
                    deactivationDate,
                    userId,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    problem);
        }
    }

    /** What the entries so far say about one link. */
    private static final class LinkStory {

        private final long linkId;
        private @Nullable AuditEntry created;
        private final Set<String> sharedTo = new LinkedHashSet<>();
        private int shares;
        private int downloads;
        private int repeats;
        private @Nullable Integer lowestReported;
        private @Nullable Instant firstDownloadAt;
        private @Nullable Instant lastDownloadAt;
        private @Nullable Instant revokedAt;

        LinkStory(long linkId) {
            this.linkId = linkId;
        }

        void add(AuditEntry entry) {
            switch (entry.event()) {
                case "link.created" -> created = entry;
                case "link.revoked" -> revokedAt = revokedAt == null ? entry.time() : revokedAt;
                case "share.requested" -> {
                    shares++;
                    sharedTo.addAll(entry.recipients());
                }
                case "download.consumed" -> {
                    downloads++;
                    // a grant's count is never below the link's real one, and the lowest reported is the latest,
                    // whatever order they were read in
                    report(entry.remaining());
                    firstDownloadAt = firstDownloadAt == null ? entry.time() : firstDownloadAt;
                    lastDownloadAt = entry.time();
                }
                // the exact count once a hot link's download leases end (its grants reported upper bounds)
                case "download.count-settled" -> report(entry.remaining());
                case "download.repeated" -> repeats++;
                default -> throw new IllegalArgumentException("not a link event: " + entry.event());
            }
        }

        private void report(@Nullable Integer remaining) {
            if (remaining != null) {
                lowestReported = lowestReported == null ? remaining : Math.min(lowestReported, remaining);
            }
        }

        LinkSummary summary() {
            AuditEntry link = created;
            Integer remaining = lowestReported != null ? lowestReported : link == null ? null : link.downloadLimit();
            return new LinkSummary(
                    linkId,
                    link == null ? null : link.accountId(),
                    link == null ? null : link.mediaId(),
                    link == null ? null : link.assetId(),
                    link == null ? null : link.filename(),
                    link == null ? null : link.time(),
                    link == null ? null : link.expiresAt(),
                    link == null ? null : link.downloadLimit(),
                    shares,
                    List.copyOf(sharedTo),
                    downloads,
                    repeats,
                    remaining,
                    firstDownloadAt,
                    lastDownloadAt,
                    revokedAt);
        }
    }

    /** What the entries so far say about one share token. */
    private static final class TokenStory {

        private final long tokenId;
        private @Nullable Long mediaId;
        private @Nullable String title;
        private @Nullable String exportDefinition;
        private @Nullable Instant createdAt;
        private @Nullable Long createdBy;
        private int updates;
        private @Nullable Instant lastUpdatedAt;
        private int downloads;
        private @Nullable Instant firstDownloadAt;
        private @Nullable Instant lastDownloadAt;
        private @Nullable Instant deletedAt;
        private @Nullable Long deletedBy;

        TokenStory(long tokenId) {
            this.tokenId = tokenId;
        }

        void add(AuditEntry entry) {
            mediaId = entry.mediaId();
            switch (entry.event()) {
                case "share-token.created" -> {
                    createdAt = entry.time();
                    createdBy = entry.userId();
                    title = entry.title();
                    exportDefinition = entry.exportDefinition();
                }
                case "share-token.updated" -> {
                    updates++;
                    lastUpdatedAt = entry.time();
                    title = entry.title();
                    exportDefinition = entry.exportDefinition();
                }
                case "share-token.deleted" -> {
                    deletedAt = entry.time();
                    deletedBy = entry.userId();
                }
                case "share-token.downloaded" -> {
                    downloads++;
                    firstDownloadAt = firstDownloadAt == null ? entry.time() : firstDownloadAt;
                    lastDownloadAt = entry.time();
                }
                default -> throw new IllegalArgumentException("not a token event: " + entry.event());
            }
        }

        TokenSummary summary() {
            return new TokenSummary(
                    tokenId,
                    mediaId,
                    title,
                    exportDefinition,
                    createdAt,
                    createdBy,
                    updates,
                    lastUpdatedAt,
                    downloads,
                    firstDownloadAt,
                    lastDownloadAt,
                    deletedAt,
                    deletedBy);
        }
    }
}
