/** The audit trail of a replayed history: its entries, the per-link and per-token summaries, and their files. */
@NullMarked
package dev.sharelinks.audit.trail;

import org.jspecify.annotations.NullMarked;
