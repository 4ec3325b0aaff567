/** token-api: the Keepeek share-token API. */
@NullMarked
package dev.sharelinks.tokenapi;

import org.jspecify.annotations.NullMarked;
