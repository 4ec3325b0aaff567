/** Keeps each link's remaining count up to date from the redirector's DownloadConsumed events. */
@NullMarked
package dev.sharelinks.linkapi.download;

import org.jspecify.annotations.NullMarked;
