package dev.sharelinks.tokenapi.token;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.ExportDefinition;
import dev.sharelinks.events.ShareTokenState;
import dev.sharelinks.sealing.Sealer;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A share token as stored, its value opened. {@link #COLUMNS} selects what {@link #of} reads, from
 * {@code share_tokens t} joined to its template {@code st}.
 */
record StoredToken(
        long id,
        long mediaId,
        String tokenValue,
        @Nullable String suffix,
        String title,
        ExportDefinition exportDefinition,
        boolean manualActivate,
        @Nullable Instant activationDate,
        @Nullable Instant deactivationDate,
        long templateId,
        long templateDomainId,
        long createUser,
        Instant createDate,
        @Nullable Instant updateDate) {

    static final String COLUMNS = """
            t.id, t.media_id, t.sealed_value, t.token_value, t.suffix, t.title, t.export_definition,
            t.manual_activate, t.activation_date, t.deactivation_date, t.template_id, st.domain_id, t.create_user,
            t.create_date, t.update_date""";

    /** The row's token, its value opened with {@code sealer} (or as a row from before sealing still holds it). */
    static StoredToken of(Readable row, Sealer sealer) {
        return new StoredToken(
                row.get("id", Long.class),
                row.get("media_id", Long.class),
                sealer.open(row.get("sealed_value", String.class), row.get("token_value", String.class)),
                row.get("suffix", String.class),
                row.get("title", String.class),
                ExportDefinition.valueOf(row.get("export_definition", String.class)),
                row.get("manual_activate", Boolean.class),
                instant(row, "activation_date"),
                instant(row, "deactivation_date"),
                row.get("template_id", Long.class),
                row.get("domain_id", Long.class),
                row.get("create_user", Long.class),
                Objects.requireNonNull(instant(row, "create_date"), "create_date is NOT NULL"),
                instant(row, "update_date"));
    }

    /**
     * Active from its activation date, or at once when switched on by hand ({@code manualActivate}), until its
     * deactivation date, which ends access in either mode; an absent bound is open. The redirector decides the same
     * way from its projection.
     */
    boolean activeAt(Instant now) {
        return (manualActivate || activationDate == null || !now.isBefore(activationDate))
                && (deactivationDate == null || now.isBefore(deactivationDate));
    }

    /** What follows {@code /share/} in its public URL. */
    String publicPath() {
        return ShareTokenState.publicPath(tokenValue, suffix);
    }

    /** The token as its events carry it: its public path only as a digest, as the value is a capability. */
    ShareTokenState state(Media media) {
        return new ShareTokenState(
                CapabilityDigests.hex(publicPath()),
                suffix,
                mediaId,
                title,
                exportDefinition,
                manualActivate,
                activationDate,
                deactivationDate,
                templateId,
                templateDomainId,
                media.original(),
                media.lowDefinition());
    }

    private static @Nullable Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
