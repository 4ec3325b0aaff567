/** The redeemable-links projection, fed by link events and rebuildable by replaying them. */
@NullMarked
package dev.sharelinks.redirector.projection;

import org.jspecify.annotations.NullMarked;
