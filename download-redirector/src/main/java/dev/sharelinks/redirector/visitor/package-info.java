/**
 * Who is asking for a public URL, read from the request alone (no database): a link-preview or scanner agent, or a
 * person holding the download receipt of a grant a few minutes old; and the signed form nonces of landing pages.
 */
@NullMarked
package dev.sharelinks.redirector.visitor;

import org.jspecify.annotations.NullMarked;
