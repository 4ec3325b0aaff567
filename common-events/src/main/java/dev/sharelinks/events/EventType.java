package dev.sharelinks.events;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every event type on the wire: its versioned name, its topic and the record it maps to. A type whose data changed
 * incompatibly has a new version; the older versions it replaced are still read, their data turned into the
 * current record's (an upcast), so a consumer sees one record whichever version the history holds.
 */
public enum EventType {
    LINK_CREATED(
            "sharelinks.link.created.v2",
            Topics.LINKS,
            LinkCreated.class,
            new Older("sharelinks.link.created.v1", Upcasts::keyAndUrlToTheKeysDigest)),
    LINK_REVOKED(
            "sharelinks.link.revoked.v2",
            Topics.LINKS,
            LinkRevoked.class,
            new Older("sharelinks.link.revoked.v1", Upcasts::keyToItsDigest)),
    SHARE_REQUESTED(
            "sharelinks.share.requested.v2",
            Topics.SHARES,
            ShareRequested.class,
            // v1 carried each link's URL in the clear, which ShareRequested.SharedLink still reads
            new Older("sharelinks.share.requested.v1", data -> {})),
    SHARE_MAIL_DELIVERED("sharelinks.share.mail-delivered.v1", Topics.SHARES, ShareMailDelivered.class),
    SHARE_MAIL_FAILED("sharelinks.share.mail-failed.v1", Topics.SHARES, ShareMailFailed.class),
    DOWNLOAD_CONSUMED(
            "sharelinks.download.consumed.v2",
            Topics.DOWNLOADS,
            DownloadConsumed.class,
            new Older("sharelinks.download.consumed.v1", Upcasts::keyToItsDigest)),
    DOWNLOAD_REPEATED(
            "sharelinks.download.repeated.v2",
            Topics.DOWNLOADS,
            DownloadRepeated.class,
            new Older("sharelinks.download.repeated.v1", Upcasts::keyToItsDigest)),
    DOWNLOAD_COUNT_SETTLED(
            "sharelinks.download.count-settled.v2",
            Topics.DOWNLOADS,
            DownloadCountSettled.class,
            new Older("sharelinks.download.count-settled.v1", Upcasts::keyToItsDigest)),
    SHARE_TOKEN_CREATED(
            "sharelinks.share-token.created.v2",
            Topics.TOKENS,
            ShareTokenCreated.class,
            new Older("sharelinks.share-token.created.v1", Upcasts::tokenValueToThePathsDigest)),
    SHARE_TOKEN_UPDATED(
            "sharelinks.share-token.updated.v2",
            Topics.TOKENS,
            ShareTokenUpdated.class,
            new Older("sharelinks.share-token.updated.v1", Upcasts::tokenValueToThePathsDigest)),
    SHARE_TOKEN_DELETED(
            "sharelinks.share-token.deleted.v2",
            Topics.TOKENS,
            ShareTokenDeleted.class,
            new Older("sharelinks.share-token.deleted.v1", Upcasts::withoutTokenValue)),
    SHARE_TOKEN_DOWNLOADED(
            "sharelinks.share-token.downloaded.v2",
            Topics.DOWNLOADS,
            ShareTokenDownloaded.class,
            new Older("sharelinks.share-token.downloaded.v1", Upcasts::withoutTokenValue));

    private final String typeName;
    private final String topic;
    private final Class<?> dataType;

    @SuppressWarnings("ImmutableEnumChecker") // List.of: unmodifiable, of records
    private final List<Older> older;

    EventType(String typeName, String topic, Class<?> dataType, Older... older) {
        this.typeName = typeName;
        this.topic = topic;
        this.dataType = dataType;
        this.older = List.of(older);
    }

    /** The name this build writes. */
    public String typeName() {
        return typeName;
    }

    public String topic() {
        return topic;
    }

    public Class<?> dataType() {
        return dataType;
    }

    /** The type a name is of: its current name or an older version's, which {@link #upcast} reads. */
    public static Optional<EventType> fromTypeName(String typeName) {
        return Arrays.stream(values())
                .filter(t -> t.typeName.equals(typeName)
                        || t.older.stream().anyMatch(o -> o.typeName().equals(typeName)))
                .findFirst();
    }

    /** Turns the data of an event written as {@code typeName} (this type's or an older version's) into today's. */
    void upcast(String typeName, ObjectNode data) {
        older.stream()
                .filter(o -> o.typeName().equals(typeName))
                .findFirst()
                .ifPresent(o -> o.upcast().accept(data));
    }

    public static EventType of(Object data) {
        return Arrays.stream(values())
                .filter(t -> t.dataType.isInstance(data))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not an event record: " + data.getClass()));
    }

    /** An older version of a type still read: its name, and how its data becomes the current record's. */
    private record Older(String typeName, Consumer<ObjectNode> upcast) {}

    /** The changes between versions, applied to the data as read. */
    private static final class Upcasts {

        /** v1 LinkCreated carried the link's key and its public URL, which holds the key; v2 the key's digest. */
        static void keyAndUrlToTheKeysDigest(ObjectNode data) {
            keyToItsDigest(data);
            data.remove("url");
        }

        /** v1 link and download events carried the link's key; v2 its digest. */
        static void keyToItsDigest(ObjectNode data) {
            JsonNode key = data.remove("key");
            if (key != null && key.isString()) {
                data.put("keyDigest", CapabilityDigests.hex(key.asString()));
            }
        }

        /**
         * v1 ShareTokenCreated and ShareTokenUpdated carried the token's value and public URL in their state; v2 the
         * digest of its public path (the value with the suffix appended).
         */
        static void tokenValueToThePathsDigest(ObjectNode data) {
            if (data.get("token") instanceof ObjectNode token) {
                JsonNode value = token.remove("tokenValue");
                token.remove("publicUrl");
                JsonNode suffix = token.get("suffix");
                if (value != null && value.isString()) {
                    String path = ShareTokenState.publicPath(
                            value.asString(), suffix != null && suffix.isString() ? suffix.asString() : null);
                    token.put("pathDigest", CapabilityDigests.hex(path));
                }
            }
        }

        /** v1 ShareTokenDeleted and ShareTokenDownloaded carried the token's value, which v2 leaves out. */
        static void withoutTokenValue(ObjectNode data) {
            data.remove("tokenValue");
        }
    }
}
