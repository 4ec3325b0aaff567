/** Authentication: HTTP Basic for DAM users (bcrypt hashes), a bearer token for the admin API. */
@NullMarked
package dev.sharelinks.tokenapi.security;

import org.jspecify.annotations.NullMarked;
