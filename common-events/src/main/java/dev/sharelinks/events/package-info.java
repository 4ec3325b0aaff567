/**
 * The events Sharelinks services exchange over Kafka: immutable, versioned records in an envelope, the topic
 * names they travel on, and the one JSON serde every producer and consumer uses. No Spring and no service logic
 * here, so that every service reads the wire format the same way.
 */
@NullMarked
package dev.sharelinks.events;

import org.jspecify.annotations.NullMarked;
