/** What link-api keeps sealed at rest (link keys, idempotent answers, webhook secrets), and the keys that seal it. */
@NullMarked
package dev.sharelinks.linkapi.sealing;

import org.jspecify.annotations.NullMarked;
