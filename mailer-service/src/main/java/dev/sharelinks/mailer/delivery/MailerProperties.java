package dev.sharelinks.mailer.delivery;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;

/**
 * How shares are mailed ({@code sharelinks.mailer}).
 *
 * @param from the sender address of every mail; a share's mail shows its account's name with it
 * @param retryInitialInterval first wait after the SMTP server failed
 * @param retryMaxInterval longest wait between attempts; attempts go on until the server takes the mail
 * @param smtpIdleTimeout how long an SMTP connection may stay open unused and still be reused; keep it below the
 *     server's own idle timeout (RFC 5321 asks servers for at least 5 minutes; some relays close sooner)
 * @param smtpMessagesPerConnection most mails sent over one SMTP connection before it is closed and a new one
 *     opened (some servers refuse more than a few dozen per connection)
 * @param dkim the DKIM key mails are signed with; unsigned without one
 * @param linkSealingKeys link-api's {@code id:base64} sealing keys ({@code LINK_SEALING_KEYS}), which open the links'
 *     URLs in share events; required
 */
@ConfigurationProperties("sharelinks.mailer")
public record MailerProperties(
        @DefaultValue("Sharelinks <no-reply@sharelinks.local>")
        String from,

        @DefaultValue("500ms") Duration retryInitialInterval,
        @DefaultValue("30s") Duration retryMaxInterval,
        @DefaultValue("10s") Duration smtpIdleTimeout,
        @DefaultValue("20") int smtpMessagesPerConnection,
        @Nullable Dkim dkim,
        @Nullable List<String> linkSealingKeys) {

    /**
     * The DKIM key every mail is signed with.
     *
     * @param domain the signing domain ({@code d=}): the From address's domain, or a parent of it, for DMARC
     * @param selector the key's name under {@code _domainkey.<domain>} in DNS ({@code s=})
     * @param privateKey where the RSA private key is, PKCS#8 PEM (a Kubernetes Secret mounted as a file)
     */
    public record Dkim(String domain, String selector, Resource privateKey) {}
}
