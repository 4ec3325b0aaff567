/** Sealing of capabilities a service must show again: AES-GCM under named, rotating keys. */
@NullMarked
package dev.sharelinks.sealing;

import org.jspecify.annotations.NullMarked;
