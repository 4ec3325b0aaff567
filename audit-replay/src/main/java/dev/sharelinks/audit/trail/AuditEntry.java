package dev.sharelinks.audit.trail;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One line of the audit trail: one event, what it says happened, and where it was read. Link keys and token values
 * are left out on purpose: they are the secrets in the public URLs, and the trail names links and tokens by id.
 *
 * @param time when it happened (the event's {@code occurredAt}: committed in the producing service)
 * @param event what happened: {@code link.created}, {@code link.revoked}, {@code share.requested},
 *     {@code share.mail-delivered} and {@code share.mail-failed} (the mailer's outcome for one recipient),
 *     {@code download.consumed}, {@code download.repeated} (a person's download again, nothing spent),
 *     {@code download.count-settled} (a hot link's exact count once its download leases ended),
 *     {@code share-token.created}, {@code .updated}, {@code .deleted}, {@code .downloaded},
 *     or {@code unreadable} for a record that is not a Sharelinks event ({@code problem} says why)
 * @param shareId the share of a share event; of a download, the share whose mail carried the URL it came through
 * @param recipients whom a share was mailed to; of a mail outcome, its recipient; of a download, the recipient whose
 *     URL it came through (none for the plain URL, or for a reference no replayed share of the link gave)
 * @param sharedLinkIds the links a share mailed
 * @param remaining a link's downloads left after this download (at least that many while it had download leases
 *     open), or, settled, exactly
 * @param userId the token-api user who created, replaced or deleted a token
 * @param problem why a record is unreadable, or the SMTP server's refusal of a failed mail
 */
@JsonPropertyOrder({
    "time",
    "event",
    "eventId",
    "source",
    "linkId",
    "shareId",
    "tokenId",
    "accountId",
    "mediaId",
    "assetId",
    "filename",
    "expiresAt",
    "downloadLimit",
    "recipients",
    "sharedLinkIds",
    "remaining",
    "clientAddress",
    "userAgent",
    "title",
    "exportDefinition",
    "activationDate",
    "deactivationDate",
    "userId",
    "topic",
    "partition",
    "offset",
    "problem"
})
public record AuditEntry(
        Instant time,
        String event,
        @Nullable String eventId,
        @Nullable String source,
        @Nullable Long linkId,
        @Nullable Long shareId,
        @Nullable Long tokenId,
        @Nullable Long accountId,
        @Nullable Long mediaId,
        @Nullable String assetId,
        @Nullable String filename,
        @Nullable Instant expiresAt,
        @Nullable Integer downloadLimit,
        @Nullable List<String> recipients,
        @Nullable List<Long> sharedLinkIds,
        @Nullable Integer remaining,
        @Nullable String clientAddress,
        @Nullable String userAgent,
        @Nullable String title,
        @Nullable String exportDefinition,
        @Nullable Instant activationDate,
        @Nullable Instant deactivationDate,
        @Nullable Long userId,
        String topic,
        int partition,
        long offset,
        @Nullable String problem) {}
