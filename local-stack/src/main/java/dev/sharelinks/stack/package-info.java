/** The local stack: every real server and the four services, with demo data, on one machine without Docker. */
@NullMarked
package dev.sharelinks.stack;

import org.jspecify.annotations.NullMarked;
