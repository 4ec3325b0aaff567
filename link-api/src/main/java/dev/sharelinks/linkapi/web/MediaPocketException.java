package dev.sharelinks.linkapi.web;

import org.springframework.http.HttpStatus;

/** A refusal in the MediaPocket format: the status and {@code {"error": message}}. */
public class MediaPocketException extends RuntimeException {

    private final HttpStatus status;

    public MediaPocketException(HttpStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }

    public static MediaPocketException notFound(String message) {
        return new MediaPocketException(HttpStatus.NOT_FOUND, message);
    }

    public static MediaPocketException badRequest(String message) {
        return new MediaPocketException(HttpStatus.BAD_REQUEST, message);
    }

    public static MediaPocketException unprocessable(String message) {
        return new MediaPocketException(HttpStatus.UNPROCESSABLE_CONTENT, message);
    }
}
