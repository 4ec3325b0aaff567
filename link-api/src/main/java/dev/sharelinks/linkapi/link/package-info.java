/** Shareable links: create, revoke, inspect. */
@NullMarked
package dev.sharelinks.linkapi.link;

import org.jspecify.annotations.NullMarked;
