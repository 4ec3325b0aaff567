package dev.sharelinks.redirector.redeem;

import reactor.core.publisher.Mono;

/**
 * Database calls made for a visitor run to their end even when the visitor hangs up. Cancelling a call half-way
 * leaks the driver's encoded parameters (r2dbc-postgresql releases them only once sent) and risks leaving its
 * connection mid-conversation for the next borrower; a lookup costs less than either, so its answer is just dropped.
 */
final class UncancellableCall {

    private UncancellableCall() {}

    static <T> Mono<T> of(Mono<T> databaseCall) {
        return Mono.fromFuture(databaseCall::toFuture, true);
    }
}
