/** Authentication: X-API-KEY for accounts, a bearer token for the admin API; secrets stored hashed, compared in constant time. */
@NullMarked
package dev.sharelinks.linkapi.security;

import org.jspecify.annotations.NullMarked;
