/** The HTML pages people and preview agents see at a public URL: the preview page and the landing page. */
@NullMarked
package dev.sharelinks.redirector.page;

import org.jspecify.annotations.NullMarked;
