package dev.sharelinks.mailer.delivery;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.simplejavamail.utils.mail.dkim.Canonicalization;
import org.simplejavamail.utils.mail.dkim.DkimMessage;
import org.simplejavamail.utils.mail.dkim.DkimSigner;
import org.springframework.stereotype.Component;

/**
 * Signs each mail with DKIM (RFC 6376: rsa-sha256, relaxed/relaxed) when {@code sharelinks.mailer.dkim} names a
 * domain, a selector and an RSA private key; without them mails go out unsigned. The signer is
 * {@code org.simplejavamail:utils-mail-dkim}; docs/operations.md says how to publish the key and set up SPF and
 * DMARC for the sending domain.
 */
@Component
class DkimSigning {

    private final @Nullable DkimSigner signer;

    DkimSigning(MailerProperties properties) {
        MailerProperties.Dkim dkim = properties.dkim();
        this.signer = dkim == null ? null : signer(dkim);
    }

    boolean enabled() {
        return signer != null;
    }

    /**
     * The mail as it goes out: signed when a key is configured, else {@code message} itself. {@code message} must
     * be complete (headers saved): what is signed is what is sent, and the signed copy's headers stay as they are.
     */
    MimeMessage sign(MimeMessage message) throws MessagingException {
        return signer == null ? message : new DkimMessage(message, signer);
    }

    private static DkimSigner signer(MailerProperties.Dkim dkim) {
        try {
            DkimSigner signer = new DkimSigner(dkim.domain(), dkim.selector(), privateKey(dkim));
            signer.setHeaderCanonicalization(Canonicalization.RELAXED);
            signer.setBodyCanonicalization(Canonicalization.RELAXED);
            // the public key's DNS record is the operator's to publish (and to check with a mail tester), not
            // something to look up before every mail
            signer.setCheckDomainKey(false);
            return signer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the DKIM private key " + dkim.privateKey(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException(
                    "the DKIM private key " + dkim.privateKey()
                            + " is not an RSA key in PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)",
                    e);
        }
    }

    /** A PKCS#8 PEM RSA key, as {@code openssl genpkey -algorithm RSA} writes it. */
    private static RSAPrivateKey privateKey(MailerProperties.Dkim dkim) throws IOException, GeneralSecurityException {
        String pem = dkim.privateKey().getContentAsString(StandardCharsets.US_ASCII);
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return (RSAPrivateKey) KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
