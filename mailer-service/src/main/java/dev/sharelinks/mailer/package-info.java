/** mailer-service: mails shared links to their recipients. */
@NullMarked
package dev.sharelinks.mailer;

import org.jspecify.annotations.NullMarked;
