/** The operators' registration of a media's files, which its share tokens serve. */
@NullMarked
package dev.sharelinks.tokenapi.media;

import org.jspecify.annotations.NullMarked;
