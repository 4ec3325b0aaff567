/** What the operator (admin) APIs of link-api and token-api share. */
@NullMarked
package dev.sharelinks.operator;

import org.jspecify.annotations.NullMarked;
