package dev.sharelinks.mailer.delivery;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param from the sender address of every mail
 * @param subject the subject line
 * @param retryInitialInterval first wait after the SMTP server failed
 * @param retryMaxInterval longest wait between attempts; attempts go on until the server takes the mail
 */
@ConfigurationProperties("sharelinks.mailer")
public record MailerProperties(
        @DefaultValue("Sharelinks <no-reply@sharelinks.local>") String from,
        @DefaultValue("Files have been shared with you") String subject,
        @DefaultValue("500ms") Duration retryInitialInterval,
        @DefaultValue("30s") Duration retryMaxInterval) {
}
