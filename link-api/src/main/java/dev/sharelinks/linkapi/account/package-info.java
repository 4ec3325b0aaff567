/** Accounts, their API keys and assets, and the admin API that registers them. */
@NullMarked
package dev.sharelinks.linkapi.account;

import org.jspecify.annotations.NullMarked;
