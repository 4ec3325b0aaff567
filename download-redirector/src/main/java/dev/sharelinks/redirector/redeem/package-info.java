/** Redeeming a link: one SQL statement to grant and record the download, an in-process presign, a 302. */
@NullMarked
package dev.sharelinks.redirector.redeem;

import org.jspecify.annotations.NullMarked;
