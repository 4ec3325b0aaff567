/** Mailing links to recipients: recorded with its ShareRequested event in one transaction. */
@NullMarked
package dev.sharelinks.linkapi.share;

import org.jspecify.annotations.NullMarked;
