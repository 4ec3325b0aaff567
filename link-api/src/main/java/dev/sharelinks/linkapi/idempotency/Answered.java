package dev.sharelinks.linkapi.idempotency;

import org.springframework.http.ResponseEntity;

/**
 * A write's answer, and whether it is the stored answer of an earlier request with the same key.
 */
public record Answered<T>(T answer, boolean replayed) {

    /** The header a replayed answer carries, as Stripe's API does, so a client can tell without comparing. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    /** 200 with the answer, marked when it is a replay. */
    public ResponseEntity<T> ok() {
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        if (replayed) {
            ok.header(REPLAYED_HEADER, "true");
        }
        return ok.body(answer);
    }
}
