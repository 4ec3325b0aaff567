package dev.sharelinks.linkapi.link;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads {@code expiry_date}. A calendar date ({@code 2023-11-28}) means the link works through the end of that
 * day in UTC, so it expires at the next midnight UTC; an ISO-8601 timestamp with an offset
 * ({@code 2023-11-28T15:00:00Z}) is the exact moment it stops working.
 */
final class ExpiryDate {

    private ExpiryDate() {}

    /** The instant the link stops working, or empty if the text is neither a date nor a timestamp. */
    static Optional<Instant> parse(String text) {
        String value = text.strip();
        try {
            return Optional.of(LocalDate.parse(value)
                    .plusDays(1)
                    .atStartOfDay(ZoneOffset.UTC)
                    .toInstant());
        } catch (DateTimeParseException notADate) {
            try {
                return Optional.of(OffsetDateTime.parse(value).toInstant());
            } catch (DateTimeParseException notATimestamp) {
                return Optional.empty();
            }
        }
    }

    static boolean isPast(Instant expiresAt, Clock clock) {
        return !expiresAt.isAfter(clock.instant());
    }
}
