package dev.sharelinks.tokenapi.token;

import dev.sharelinks.events.MediaFile;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;

/** A media as token-api knows it: its files. */
public record Media(long id, MediaFile original, @Nullable MediaFile lowDefinition) {

    /** From a row of {@code medias}: {@code id, bucket, original_key, original_filename, bd_key, bd_filename}. */
    public static Media of(Readable row) {
        String bucket = row.get("bucket", String.class);
        String bdKey = row.get("bd_key", String.class);
        return new Media(
                row.get("id", Long.class),
                new MediaFile(
                        bucket, row.get("original_key", String.class), row.get("original_filename", String.class)),
                bdKey == null ? null : new MediaFile(bucket, bdKey, row.get("bd_filename", String.class)));
    }
}
