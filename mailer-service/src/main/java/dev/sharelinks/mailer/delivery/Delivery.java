package dev.sharelinks.mailer.delivery;

/** How a recipient's mail was settled. */
enum Delivery {
    /** The SMTP server took the mail. */
    SENT,
    /** The SMTP server refused the address for good. */
    FAILED
}
