/** Reading the event topics' history, once and without a consumer group. */
@NullMarked
package dev.sharelinks.audit.history;

import org.jspecify.annotations.NullMarked;
