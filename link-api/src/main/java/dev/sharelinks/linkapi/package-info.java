/** link-api: the MediaPocket v2 shareable-links API. */
@NullMarked
package dev.sharelinks.linkapi;

import org.jspecify.annotations.NullMarked;
