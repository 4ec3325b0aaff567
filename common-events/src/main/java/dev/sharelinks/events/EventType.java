package dev.sharelinks.events;

import java.util.Arrays;
import java.util.Optional;

/** Every event type on the wire: its versioned name, its topic and the record it maps to. */
public enum EventType {
    LINK_CREATED("sharelinks.link.created.v1", Topics.LINKS, LinkCreated.class),
    LINK_REVOKED("sharelinks.link.revoked.v1", Topics.LINKS, LinkRevoked.class),
    SHARE_REQUESTED("sharelinks.share.requested.v1", Topics.SHARES, ShareRequested.class),
    SHARE_MAIL_DELIVERED("sharelinks.share.mail-delivered.v1", Topics.SHARES, ShareMailDelivered.class),
    SHARE_MAIL_FAILED("sharelinks.share.mail-failed.v1", Topics.SHARES, ShareMailFailed.class),
    DOWNLOAD_CONSUMED("sharelinks.download.consumed.v1", Topics.DOWNLOADS, DownloadConsumed.class),
    DOWNLOAD_REPEATED("sharelinks.download.repeated.v1", Topics.DOWNLOADS, DownloadRepeated.class),
    DOWNLOAD_COUNT_SETTLED("sharelinks.download.count-settled.v1", Topics.DOWNLOADS, DownloadCountSettled.class),
    SHARE_TOKEN_CREATED("sharelinks.share-token.created.v1", Topics.TOKENS, ShareTokenCreated.class),
    SHARE_TOKEN_UPDATED("sharelinks.share-token.updated.v1", Topics.TOKENS, ShareTokenUpdated.class),
    SHARE_TOKEN_DELETED("sharelinks.share-token.deleted.v1", Topics.TOKENS, ShareTokenDeleted.class),
    SHARE_TOKEN_DOWNLOADED("sharelinks.share-token.downloaded.v1", Topics.DOWNLOADS, ShareTokenDownloaded.class);

    private final String typeName;
    private final String topic;
    private final Class<?> dataType;

    EventType(String typeName, String topic, Class<?> dataType) {
        this.typeName = typeName;
        this.topic = topic;
        this.dataType = dataType;
    }

    public String typeName() {
        return typeName;
    }

    public String topic() {
        return topic;
    }

    public Class<?> dataType() {
        return dataType;
    }

    public static Optional<EventType> fromTypeName(String typeName) {
        return Arrays.stream(values()).filter(t -> t.typeName.equals(typeName)).findFirst();
    }

    public static EventType of(Object data) {
        return Arrays.stream(values())
                .filter(t -> t.dataType.isInstance(data))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not an event record: " + data.getClass()));
    }
}
