/**
 * The downloads topic, as the owner sees it: each link's remaining count kept up to date from the redirector's
 * events, and the download log ({@code GET /api/v2/shareable_links/{id}/downloads}), who downloaded and when.
 */
@NullMarked
package dev.sharelinks.linkapi.download;

import org.jspecify.annotations.NullMarked;
