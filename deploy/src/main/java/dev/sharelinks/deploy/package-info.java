/** The local stack: every real server and the three services, with demo data, on one machine without Docker. */
@NullMarked
package dev.sharelinks.deploy;

import org.jspecify.annotations.NullMarked;
