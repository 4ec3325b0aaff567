/**
 * {@code Idempotency-Key} on MediaPocket's creates and shares (a Sharelinks extension): a client that retries a
 * write it never got the answer to gets the first answer again, not a second link or a second mail.
 */
@NullMarked
package dev.sharelinks.linkapi.idempotency;

import org.jspecify.annotations.NullMarked;
