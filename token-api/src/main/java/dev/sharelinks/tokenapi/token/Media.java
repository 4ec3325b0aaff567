package dev.sharelinks.tokenapi.token;

import dev.sharelinks.events.MediaFile;
import org.jspecify.annotations.Nullable;

/** A media as token-api knows it: its files, and whether the caller may read it. */
record Media(long id, MediaFile original, @Nullable MediaFile lowDefinition) {}
