/**
 * Webhooks (a MediaPocket extension): an account registers endpoints ({@code /api/v2/webhooks}); the fan-out turns
 * the link, download and share events of the topics into one message per subscribed endpoint, and the dispatcher
 * sends each, signed as Standard Webhooks says, until the endpoint takes it or a day of retries has passed.
 */
@NullMarked
package dev.sharelinks.linkapi.webhook;

import org.jspecify.annotations.NullMarked;
