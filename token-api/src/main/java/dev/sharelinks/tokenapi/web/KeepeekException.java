package dev.sharelinks.tokenapi.web;

import java.util.Objects;
import org.springframework.http.HttpStatus;

/** A request the Keepeek API refuses, with the contract's error code. */
public final class KeepeekException extends RuntimeException {

    public static final String OPERATION_FORBIDDEN = "share-token-operation-forbidden";
    public static final String MEDIA_NOT_FOUND = "share-token-media-not-found";
    public static final String TOKEN_NOT_FOUND = "share-token-not-found";
    public static final String ALREADY_EXISTS = "share-token-create-all-ready-exist";
    /** Ours, not the seed's: the template and domain named do not go together, or do not exist. */
    public static final String TEMPLATE_NOT_FOUND = "share-token-template-not-found";
    /** Ours, not the seed's: a missing, mistyped or out-of-range attribute or parameter. */
    public static final String INVALID_REQUEST = "share-token-invalid-request";

    private final HttpStatus status;
    private final String code;

    private KeepeekException(HttpStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static KeepeekException forbidden(String message) {
        return new KeepeekException(HttpStatus.FORBIDDEN, OPERATION_FORBIDDEN, message);
    }

    public static KeepeekException mediaNotFound(Object mediaId) {
        return new KeepeekException(HttpStatus.NOT_FOUND, MEDIA_NOT_FOUND, "Media " + mediaId + " does not exist");
    }

    public static KeepeekException tokenNotFound(long mediaId, String token) {
        return new KeepeekException(
                HttpStatus.NOT_FOUND, TOKEN_NOT_FOUND, "Share token " + token + " does not exist on media " + mediaId);
    }

    public static KeepeekException alreadyExists(String message) {
        return new KeepeekException(HttpStatus.BAD_REQUEST, ALREADY_EXISTS, message);
    }

    public static KeepeekException templateNotFound(String message) {
        return new KeepeekException(HttpStatus.BAD_REQUEST, TEMPLATE_NOT_FOUND, message);
    }

    public static KeepeekException invalid(String message) {
        return new KeepeekException(HttpStatus.BAD_REQUEST, INVALID_REQUEST, message);
    }

    public HttpStatus status() {
        return status;
    }

    public KeepeekError toError() {
        // the only constructor takes the message
        return new KeepeekError(status.value(), code, Objects.requireNonNull(getMessage(), "message"));
    }
}
