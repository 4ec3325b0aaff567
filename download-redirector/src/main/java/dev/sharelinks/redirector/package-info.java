/** download-redirector: the public redeem endpoint of links. */
@NullMarked
package dev.sharelinks.redirector;

import org.jspecify.annotations.NullMarked;
