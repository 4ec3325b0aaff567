package dev.sharelinks.mailer.delivery;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param from the sender address of every mail; a share's mail shows its account's name with it
 * @param retryInitialInterval first wait after the SMTP server failed
 * @param retryMaxInterval longest wait between attempts; attempts go on until the server takes the mail
 * @param smtpIdleTimeout how long an SMTP connection may stay open unused and still be reused; keep it below the
 *     server's own idle timeout (RFC 5321 asks servers for at least 5 minutes; some relays close sooner)
 * @param smtpMessagesPerConnection most mails sent over one SMTP connection before it is closed and a new one
 *     opened (some servers refuse more than a few dozen per connection)
 */
@ConfigurationProperties("sharelinks.mailer")
public record MailerProperties(
        @DefaultValue("Sharelinks <no-reply@sharelinks.local>") String from,
        @DefaultValue("500ms") Duration retryInitialInterval,
        @DefaultValue("30s") Duration retryMaxInterval,
        @DefaultValue("10s") Duration smtpIdleTimeout,
        @DefaultValue("20") int smtpMessagesPerConnection) {
}
