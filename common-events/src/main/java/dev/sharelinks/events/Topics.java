package dev.sharelinks.events;

import java.util.List;

/**
 * Topic names: stable strings that outlive any class name. Each topic keeps its full history (audit replay).
 */
public final class Topics {

    /** Link lifecycle ({@link LinkCreated}, {@link LinkRevoked}), keyed by link id. */
    public static final String LINKS = "sharelinks.links.v1";

    /**
     * Requests to mail links to recipients ({@link ShareRequested}) and the mailer's outcome per recipient
     * ({@link ShareMailDelivered}, {@link ShareMailFailed}), keyed by share id.
     */
    public static final String SHARES = "sharelinks.shares.v1";

    /**
     * Downloads handed out: {@link DownloadConsumed}, {@link DownloadRepeated} and {@link DownloadCountSettled} keyed
     * by link id like {@link #LINKS}, and {@link ShareTokenDownloaded} keyed by token id like {@link #TOKENS}.
     */
    public static final String DOWNLOADS = "sharelinks.downloads.v1";

    /** Keepeek share-token lifecycle ({@link ShareTokenCreated}, {@link ShareTokenUpdated}, {@link ShareTokenDeleted}), keyed by token id. */
    public static final String TOKENS = "sharelinks.tokens.v1";

    /** Every event topic, e.g. to declare them at startup. */
    public static final List<String> ALL = List.of(LINKS, SHARES, DOWNLOADS, TOKENS);

    /** Suffix of the dead-letter topic where a consumer parks a record it can never process. */
    public static final String DEAD_LETTER_SUFFIX = "-dlt";

    private Topics() {}

    public static String deadLetterOf(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
