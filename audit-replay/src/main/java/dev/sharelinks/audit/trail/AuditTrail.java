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
        Entry entry = new Entry(record, event);
        if (event.data() instanceof LinkCreated created) {
            return entry.link(
                    "link.created",
                    created.linkId(),
                    created.accountId(),
                    created.mediaId(),
                    created.assetId(),
                    created.filename(),
                    created.expiresAt(),
                    created.downloadLimit());
        }
        if (event.data() instanceof LinkRevoked revoked) {
            return entry.link("link.revoked", revoked.linkId(), revoked.accountId(), null, null, null, null, null);
        }
        if (event.data() instanceof ShareRequested share) {
            return entry.share(share);
        }
        if (event.data() instanceof ShareMailDelivered delivered) {
            return entry.mail(
                    "share.mail-delivered",
                    delivered.shareId(),
                    delivered.accountId(),
                    delivered.recipient(),
                    delivered.linkIds(),
                    null);
        }
        if (event.data() instanceof ShareMailFailed failed) {
            return entry.mail(
                    "share.mail-failed",
                    failed.shareId(),
                    failed.accountId(),
                    failed.recipient(),
                    failed.linkIds(),
                    failed.reason());
        }
        if (event.data() instanceof DownloadConsumed download) {
            return entry.download(download);
        }
        if (event.data() instanceof DownloadRepeated repeat) {
            return entry.repeat(repeat);
        }
        if (event.data() instanceof DownloadCountSettled settled) {
            return entry.settled(settled);
        }
        if (event.data() instanceof ShareTokenCreated created) {
            return entry.token("share-token.created", created.tokenId(), created.token(), created.createUser());
        }
        if (event.data() instanceof ShareTokenUpdated updated) {
            return entry.token("share-token.updated", updated.tokenId(), updated.token(), updated.updateUser());
        }
        if (event.data() instanceof ShareTokenDeleted deleted) {
            return entry.tokenDeleted(deleted);
        }
        if (event.data() instanceof ShareTokenDownloaded download) {
            return entry.tokenDownloaded(download);
        }
        return unreadable(record, "no audit entry for " + event.type());
    }

    private static AuditEntry unreadable(HistoryRecord record, @Nullable String problem) {
        return new AuditEntry(
                record.timestamp(),
                "unreadable",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                record.topic(),
                record.partition(),
                record.offset(),
                problem);
    }

    /** Builds the entry of one readable event: its envelope's fields and where it was read, with what it says. */
    private record Entry(HistoryRecord record, EventEnvelope<?> event) {

        AuditEntry link(
                String type,
                long linkId,
                long accountId,
                @Nullable Long mediaId,
                @Nullable String assetId,
                @Nullable String filename,
                @Nullable Instant expiresAt,
                @Nullable Integer downloadLimit) {
            return new AuditEntry(
                    event.occurredAt(),
                    type,
                    event.eventId().toString(),
                    event.source(),
                    linkId,
                    null,
                    null,
                    accountId,
                    mediaId,
                    assetId,
                    filename,
                    expiresAt,
                    downloadLimit,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    null);
        }

        AuditEntry share(ShareRequested share) {
            return new AuditEntry(
                    event.occurredAt(),
                    "share.requested",
                    event.eventId().toString(),
                    event.source(),
                    null,
                    share.shareId(),
                    null,
                    share.accountId(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    share.recipients(),
                    share.links().stream()
                            .map(ShareRequested.SharedLink::linkId)
                            .toList(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    null);
        }

        AuditEntry mail(
                String type,
                long shareId,
                long accountId,
                String recipient,
                List<Long> linkIds,
                @Nullable String refusal) {
            return new AuditEntry(
                    event.occurredAt(),
                    type,
                    event.eventId().toString(),
                    event.source(),
                    null,
                    shareId,
                    null,
                    accountId,
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of(recipient),
                    linkIds,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    refusal);
        }

        AuditEntry download(DownloadConsumed download) {
            return new AuditEntry(
                    event.occurredAt(),
                    "download.consumed",
                    event.eventId().toString(),
                    event.source(),
                    download.linkId(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    download.remaining(),
                    download.clientAddress(),
                    download.userAgent(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    null);
        }

        AuditEntry settled(DownloadCountSettled settled) {
            return new AuditEntry(
                    event.occurredAt(),
                    "download.count-settled",
                    event.eventId().toString(),
                    event.source(),
                    settled.linkId(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    settled.remaining(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    null);
        }

        AuditEntry repeat(DownloadRepeated repeat) {
            return new AuditEntry(
                    event.occurredAt(),
                    "download.repeated",
                    event.eventId().toString(),
                    event.source(),
                    repeat.linkId(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    repeat.clientAddress(),
                    repeat.userAgent(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    null);
        }

        AuditEntry token(String type, long tokenId, ShareTokenState token, @Nullable Long userId) {
            return new AuditEntry(
                    event.occurredAt(),
                    type,
                    event.eventId().toString(),
                    event.source(),
                    null,
                    null,
                    tokenId,
                    null,
                    token.mediaId(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    token.title(),
                    token.exportDefinition().name(),
                    token.activationDate(),
                    token.deactivationDate(),
                    userId,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    null);
        }

        AuditEntry tokenDeleted(ShareTokenDeleted deleted) {
            return new AuditEntry(
                    event.occurredAt(),
                    "share-token.deleted",
                    event.eventId().toString(),
                    event.source(),
                    null,
                    null,
                    deleted.tokenId(),
                    null,
                    deleted.mediaId(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    deleted.deleteUser(),
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    null);
        }

        AuditEntry tokenDownloaded(ShareTokenDownloaded download) {
            return new AuditEntry(
                    event.occurredAt(),
                    "share-token.downloaded",
                    event.eventId().toString(),
                    event.source(),
                    null,
                    null,
                    download.tokenId(),
                    null,
                    download.mediaId(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    download.clientAddress(),
                    download.userAgent(),
                    null,
                    download.exportDefinition().name(),
                    null,
                    null,
                    null,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    null);
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
