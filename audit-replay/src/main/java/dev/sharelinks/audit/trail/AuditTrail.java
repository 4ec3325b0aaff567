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
import java.util.function.Consumer;
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
     * The trail of this history, oldest first.
     *
     * @param from leave out what happened before this instant (the events' own time, which a record's broker time
     *     can only follow: a replay from a time reads every record stored since, and some may be older events that
     *     waited in an outbox); null to keep everything
     * @param recipients whom the shares mailed, to say whose URL each download came through: a replay from a time
     *     reads them from every share, also those before it
     */
    public static AuditTrail of(
            List<HistoryRecord> history, EventSerde serde, @Nullable Instant from, ShareRecipients recipients) {
        List<AuditEntry> entries = new ArrayList<>(history.size());
        for (HistoryRecord record : history) {
            AuditEntry entry = entry(record, serde, recipients);
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

    private static AuditEntry entry(HistoryRecord record, EventSerde serde, ShareRecipients recipients) {
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
            return entry(record, event, "link.created", entry -> {
                entry.linkId = created.linkId();
                entry.accountId = created.accountId();
                entry.mediaId = created.mediaId();
                entry.assetId = created.assetId();
                entry.filename = created.filename();
                entry.expiresAt = created.expiresAt();
                entry.downloadLimit = created.downloadLimit();
            });
        }
        if (data instanceof LinkRevoked revoked) {
            return entry(record, event, "link.revoked", entry -> {
                entry.linkId = revoked.linkId();
                entry.accountId = revoked.accountId();
            });
        }
        if (data instanceof ShareRequested share) {
            return entry(record, event, "share.requested", entry -> {
                entry.shareId = share.shareId();
                entry.accountId = share.accountId();
                entry.recipients = share.recipients();
                entry.sharedLinkIds = share.links().stream()
                        .map(ShareRequested.SharedLink::linkId)
                        .toList();
            });
        }
        if (data instanceof ShareMailDelivered delivered) {
            return entry(record, event, "share.mail-delivered", entry -> {
                entry.shareId = delivered.shareId();
                entry.accountId = delivered.accountId();
                entry.recipients = List.of(delivered.recipient());
                entry.sharedLinkIds = delivered.linkIds();
            });
        }
        if (data instanceof ShareMailFailed failed) {
            return entry(record, event, "share.mail-failed", entry -> {
                entry.shareId = failed.shareId();
                entry.accountId = failed.accountId();
                entry.recipients = List.of(failed.recipient());
                entry.sharedLinkIds = failed.linkIds();
                entry.problem = failed.reason();
            });
        }
        if (data instanceof DownloadConsumed download) {
            return entry(record, event, "download.consumed", entry -> {
                entry.linkId = download.linkId();
                entry.remaining = download.remaining();
                entry.clientAddress = download.clientAddress();
                entry.userAgent = download.userAgent();
                var recipient = recipients.of(download.linkId(), download.recipientRef());
                if (recipient != null) {
                    entry.shareId = recipient.shareId();
                    entry.recipients = List.of(recipient.address());
                }
            });
        }
        if (data instanceof DownloadRepeated repeat) {
            return entry(record, event, "download.repeated", entry -> {
                entry.linkId = repeat.linkId();
                entry.clientAddress = repeat.clientAddress();
                entry.userAgent = repeat.userAgent();
            });
        }
        if (data instanceof DownloadCountSettled settled) {
            return entry(record, event, "download.count-settled", entry -> {
                entry.linkId = settled.linkId();
                entry.remaining = settled.remaining();
            });
        }
        if (data instanceof ShareTokenCreated created) {
            return entry(record, event, "share-token.created", entry -> {
                entry.tokenId = created.tokenId();
                entry.token(created.token());
                entry.userId = created.createUser();
            });
        }
        if (data instanceof ShareTokenUpdated updated) {
            return entry(record, event, "share-token.updated", entry -> {
                entry.tokenId = updated.tokenId();
                entry.token(updated.token());
                entry.userId = updated.updateUser();
            });
        }
        if (data instanceof ShareTokenDeleted deleted) {
            return entry(record, event, "share-token.deleted", entry -> {
                entry.tokenId = deleted.tokenId();
                entry.mediaId = deleted.mediaId();
                entry.userId = deleted.deleteUser();
            });
        }
        if (data instanceof ShareTokenDownloaded download) {
            return entry(record, event, "share-token.downloaded", entry -> {
                entry.tokenId = download.tokenId();
                entry.mediaId = download.mediaId();
                entry.clientAddress = download.clientAddress();
                entry.userAgent = download.userAgent();
                entry.exportDefinition = download.exportDefinition().name();
            });
        }
        return unreadable(record, "no audit entry for " + event.type());
    }

    private static AuditEntry unreadable(HistoryRecord record, @Nullable String problem) {
        EntryFields entry = new EntryFields(record.timestamp(), "unreadable", null, null, record);
        entry.problem = problem;
        return entry.build();
    }

    /** The entry of a readable event: its envelope's fields and where it was read, then what {@code says} sets. */
    private static AuditEntry entry(
            HistoryRecord record, EventEnvelope<?> event, String type, Consumer<EntryFields> says) {
        EntryFields entry =
                new EntryFields(event.occurredAt(), type, event.eventId().toString(), event.source(), record);
        says.accept(entry);
        return entry.build();
    }

    /**
     * One entry's fields, set by name: what every entry has, then what its event says. A field no event of its kind
     * has stays null, and is left out of the JSON lines and empty in the CSV.
     */
    private static final class EntryFields {

        private final Instant time;
        private final String event;
        private final @Nullable String eventId;
        private final @Nullable String source;
        private final HistoryRecord record;

        @Nullable
        Long linkId;

        @Nullable
        Long shareId;

        @Nullable
        Long tokenId;

        @Nullable
        Long accountId;

        @Nullable
        Long mediaId;

        @Nullable
        String assetId;

        @Nullable
        String filename;

        @Nullable
        Instant expiresAt;

        @Nullable
        Integer downloadLimit;

        @Nullable
        List<String> recipients;

        @Nullable
        List<Long> sharedLinkIds;

        @Nullable
        Integer remaining;

        @Nullable
        String clientAddress;

        @Nullable
        String userAgent;

        @Nullable
        String title;

        @Nullable
        String exportDefinition;

        @Nullable
        Instant activationDate;

        @Nullable
        Instant deactivationDate;

        @Nullable
        Long userId;

        @Nullable
        String problem;

        EntryFields(
                Instant time, String event, @Nullable String eventId, @Nullable String source, HistoryRecord record) {
            this.time = time;
            this.event = event;
            this.eventId = eventId;
            this.source = source;
            this.record = record;
        }

        /** What a created or replaced token is. */
        void token(ShareTokenState token) {
            mediaId = token.mediaId();
            title = token.title();
            exportDefinition = token.exportDefinition().name();
            activationDate = token.activationDate();
            deactivationDate = token.deactivationDate();
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
        private final Set<String> downloadedBy = new LinkedHashSet<>();
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
                    if (entry.recipients() != null) {
                        downloadedBy.addAll(entry.recipients());
                    }
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
                    List.copyOf(downloadedBy),
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
