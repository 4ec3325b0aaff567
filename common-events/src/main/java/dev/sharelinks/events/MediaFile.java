package dev.sharelinks.events;

import java.util.Objects;

/**
 * One downloadable file of a media: an object in a bucket and the name a browser saves it under.
 */
public record MediaFile(String bucket, String objectKey, String filename) {

    public MediaFile {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(objectKey, "objectKey");
        Objects.requireNonNull(filename, "filename");
    }
}
