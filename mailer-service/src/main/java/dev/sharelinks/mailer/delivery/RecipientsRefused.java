package dev.sharelinks.mailer.delivery;

import java.util.List;

/**
 * The SMTP server refused some recipients of a share for good. Thrown after every other recipient was served, so
 * that the error handler puts the event on the dead-letter topic, with this message in its headers, instead of
 * retrying it: the refusals are already recorded in the delivery log.
 */
class RecipientsRefused extends RuntimeException {

    RecipientsRefused(long shareId, List<String> recipients) {
        super("the SMTP server refused " + String.join(", ", recipients) + " of share " + shareId + " for good");
    }
}
