package dev.sharelinks.events;

/** What a Keepeek share token lets its visitors download: nothing, the low-definition rendition, or the original. */
public enum ExportDefinition {
    NOT_GRANTED,
    BD,
    HD
}
