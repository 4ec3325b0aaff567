package dev.sharelinks.tokenapi.media;

import dev.sharelinks.events.MediaFile;
import dev.sharelinks.operator.Filenames;
import dev.sharelinks.operator.InputProblems;
import dev.sharelinks.operator.ObjectKeys;
import dev.sharelinks.operator.StorableText;
import dev.sharelinks.tokenapi.token.Media;
import dev.sharelinks.tokenapi.token.MediaTokens;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;

/**
 * Operators register a media's files: the original (served for HD) and optionally a low-definition rendition
 * (served for BD). Tokens carry their media's files in their events, so when the files change every token of the
 * media is announced again in the same transaction ({@link MediaTokens}), and the redirector serves the new files.
 */
@RestController
class MediaRegistration {

    private final DatabaseClient db;
    private final TransactionalOperator transaction;
    private final MediaTokens tokens;

    MediaRegistration(DatabaseClient db, TransactionalOperator transaction, MediaTokens tokens) {
        this.db = db;
        this.transaction = transaction;
        this.tokens = tokens;
    }

    record FileRegistration(
            @Nullable String objectKey, @Nullable String filename) {}

    record MediaRegistrationRequest(
            @Nullable String title,
            @Nullable String bucket,
            @Nullable FileRegistration original,
            @Nullable FileRegistration lowDefinition) {}

    record RegisteredMedia(
            long id,
            String title,
            MediaFile original,
            @Nullable MediaFile lowDefinition) {}

    @PutMapping("/admin/medias/{mediaId}")
    Mono<RegisteredMedia> put(@PathVariable long mediaId, @RequestBody MediaRegistrationRequest request) {
        String title = text(request.title(), "title");
        String bucket = request.bucket();
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw badRequest("bucket must be a valid S3 bucket name");
        }
        if (request.original() == null) {
            throw badRequest("original {objectKey, filename} is required");
        }
        Media media = new Media(
                mediaId,
                file(bucket, request.original(), "original"),
                request.lowDefinition() == null ? null : file(bucket, request.lowDefinition(), "lowDefinition"));
        Mono<RegisteredMedia> registered = current(mediaId)
                .map(previous -> !previous.equals(media))
                .defaultIfEmpty(false)
                .flatMap(filesChanged -> tokens.refuseOrphanedBdTokens(media)
                        .then(upsert(media, title))
                        .then(filesChanged ? tokens.reannounce(media) : Mono.empty()))
                .thenReturn(new RegisteredMedia(mediaId, title, media.original(), media.lowDefinition()));
        return transaction.transactional(registered);
    }

    private Mono<Media> current(long mediaId) {
        return db.sql("SELECT id, bucket, original_key, original_filename, bd_key, bd_filename FROM medias "
                        + "WHERE id = :id FOR UPDATE")
                .bind("id", mediaId)
                .map(Media::of)
                .one();
    }

    private Mono<Void> upsert(Media media, String title) {
        MediaFile bd = media.lowDefinition();
        var statement = db.sql("""
                        INSERT INTO medias (id, title, bucket, original_key, original_filename, bd_key, bd_filename)
                        VALUES (:id, :title, :bucket, :originalKey, :originalFilename, :bdKey, :bdFilename)
                        ON CONFLICT (id) DO UPDATE SET title = excluded.title, bucket = excluded.bucket,
                            original_key = excluded.original_key, original_filename = excluded.original_filename,
                            bd_key = excluded.bd_key, bd_filename = excluded.bd_filename""")
                .bind("id", media.id())
                .bind("title", title)
                .bind("bucket", media.original().bucket())
                .bind("originalKey", media.original().objectKey())
                .bind("originalFilename", media.original().filename());
        statement = bd == null
                ? statement.bindNull("bdKey", String.class).bindNull("bdFilename", String.class)
                : statement.bind("bdKey", bd.objectKey()).bind("bdFilename", bd.filename());
        return statement.then();
    }

    private static MediaFile file(String bucket, FileRegistration file, String name) {
        String objectKey = text(file.objectKey(), name + ".objectKey");
        ObjectKeys.problem(objectKey).ifPresent(problem -> {
            throw badRequest(name + ".objectKey " + problem);
        });
        return new MediaFile(bucket, objectKey, filename(file.filename(), name + ".filename"));
    }

    /** The name a browser saves the download under (operator-api's {@code Filenames}). */
    private static String filename(@Nullable String value, String field) {
        String filename = text(value, field);
        Filenames.problem(filename).ifPresent(problem -> {
            throw badRequest(field + " " + problem);
        });
        return filename;
    }

    private static String text(@Nullable String value, String field) {
        if (value == null
                || value.isBlank()
                || value.length() > 1024
                || value.chars().anyMatch(Character::isISOControl)
                || !StorableText.isStorable(value)) {
            throw badRequest(field + " must be a non-empty single-line string");
        }
        return Objects.requireNonNull(value);
    }

    private static ResponseStatusException badRequest(String problem) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, problem);
    }

    /** Names what could not be read, as the other admin routes do. */
    @ExceptionHandler
    ProblemDetail unreadable(ServerWebInputException e) {
        return InputProblems.of(e);
    }
}
