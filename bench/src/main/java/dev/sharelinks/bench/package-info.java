/** The benchmarks: the redeem path against the naive design's statement, and the event pipeline's latency. */
@NullMarked
package dev.sharelinks.bench;

import org.jspecify.annotations.NullMarked;
