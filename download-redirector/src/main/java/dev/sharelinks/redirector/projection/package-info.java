/**
 * The projection of what the redirector can redeem: links (their events and their downloads) and share tokens, fed
 * by Kafka and rebuildable into an empty database by replaying the topics under a new consumer group.
 */
@NullMarked
package dev.sharelinks.redirector.projection;

import org.jspecify.annotations.NullMarked;
