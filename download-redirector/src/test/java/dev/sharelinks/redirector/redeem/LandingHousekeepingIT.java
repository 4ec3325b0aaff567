package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.redirector.RedirectorIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class LandingHousekeepingIT extends RedirectorIntegrationTest {

    @Autowired
    LandingHousekeeping housekeeping;

    @Test
    void usedNoncesPastTheirExpiryAndClosedAttemptWindowsGoWhileCurrentOnesStay() {
        SharedServers.postgres().query(DATABASE, """
                INSERT INTO redirector.spent_form_nonces (nonce_id, expires_at) VALUES
                    ('housekeeping-expired', now() - interval '1 second'),
                    ('housekeeping-current', now() + interval '1 hour');
                INSERT INTO redirector.password_attempts (key_digest, client, attempts, window_ends) VALUES
                    ('\\x0123', '192.0.2.1', 6, now() - interval '1 second'),
                    ('\\x0123', '192.0.2.2', 6, now() + interval '10 minutes')""");

        housekeeping.deleteExpired();

        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT string_agg(nonce_id, ',' ORDER BY nonce_id) "
                                        + "FROM redirector.spent_form_nonces WHERE nonce_id LIKE 'housekeeping-%'"))
                .isEqualTo("housekeeping-current");
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT string_agg(client, ',' ORDER BY client) "
                                        + "FROM redirector.password_attempts WHERE key_digest = '\\x0123'"))
                .isEqualTo("192.0.2.2");
    }
}
