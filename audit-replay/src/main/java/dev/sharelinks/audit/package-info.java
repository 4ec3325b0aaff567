/** The audit replay command: the event history as an audit trail of every link and share token. */
@NullMarked
package dev.sharelinks.audit;

import org.jspecify.annotations.NullMarked;
