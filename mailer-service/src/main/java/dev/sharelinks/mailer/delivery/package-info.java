/** One mail per recipient per share, once: composing, sending, and the delivery log that makes it idempotent. */
@NullMarked
package dev.sharelinks.mailer.delivery;

import org.jspecify.annotations.NullMarked;
