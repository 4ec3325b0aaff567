package dev.sharelinks.tokenapi.token;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sharelinks.events.ExportDefinition;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A share token as the API shows it. The seed names some attributes twice (the list says {@code isManualActive}
 * and {@code creationDate}, the single token {@code manualActivate} and {@code createDate}); both spellings are
 * always present so either kind of client finds what it reads.
 */
record TokenResource(
        long id,
        String title,
        String tokenValue,
        @Nullable String suffix,
        boolean active,
        boolean manualActivate,
        @JsonProperty("isManualActive") boolean isManualActive,
        ExportDefinition exportDefinition,
        long templateId,
        long templateDomainId,
        long createUser,
        Instant createDate,
        Instant creationDate,
        @Nullable Instant updateDate,
        @Nullable Instant activationDate,
        @Nullable Instant deactivationDate,
        long mediaId,
        String publicUrl,
        @JsonProperty("_links") Map<String, Link> links) {

    static TokenResource of(StoredToken token, Instant now, String selfHref, String publicUrl) {
        return new TokenResource(
                token.id(),
                token.title(),
                token.tokenValue(),
                token.suffix(),
                token.activeAt(now),
                token.manualActivate(),
                token.manualActivate(),
                token.exportDefinition(),
                token.templateId(),
                token.templateDomainId(),
                token.createUser(),
                token.createDate(),
                token.createDate(),
                token.updateDate(),
                token.activationDate(),
                token.deactivationDate(),
                token.mediaId(),
                publicUrl,
                Map.of("self", new Link(selfHref), "kpk:public", new Link(publicUrl)));
    }

    /** A HAL link. */
    record Link(String href) {}
}
