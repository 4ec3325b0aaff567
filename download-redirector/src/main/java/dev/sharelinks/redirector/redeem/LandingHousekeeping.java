package dev.sharelinks.redirector.redeem;

import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes what landing pages left behind once it can matter no more: used form nonces past their expiry (an
 * expired nonce is refused by its signed expiry alone) and password attempts whose window has closed. Every
 * replica runs it; the deletes are idempotent.
 */
@Component
class LandingHousekeeping {

    private final DatabaseClient db;

    LandingHousekeeping(DatabaseClient db) {
        this.db = db;
    }

    @Scheduled(
            initialDelayString = "${sharelinks.redeem.housekeeping-interval:5m}",
            fixedDelayString = "${sharelinks.redeem.housekeeping-interval:5m}")
    void deleteExpired() {
        db.sql("DELETE FROM spent_form_nonces WHERE expires_at < now()")
                .then()
                .then(db.sql("DELETE FROM password_attempts WHERE window_ends < now()")
                        .then())
                .block(Duration.ofMinutes(1));
    }
}
