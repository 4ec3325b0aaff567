/** The operators' API: DAM users, their rights on medias, share templates and their domains. */
@NullMarked
package dev.sharelinks.tokenapi.admin;

import org.jspecify.annotations.NullMarked;
