/** The Keepeek share-token API: rights on medias, validation of token bodies, the tokens and their events. */
@NullMarked
package dev.sharelinks.tokenapi.token;

import org.jspecify.annotations.NullMarked;
