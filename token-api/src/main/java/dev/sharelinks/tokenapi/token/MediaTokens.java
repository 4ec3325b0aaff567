package dev.sharelinks.tokenapi.token;

import dev.sharelinks.events.ShareTokenUpdated;
import dev.sharelinks.messaging.outbox.Outbox;
import dev.sharelinks.sealing.Sealer;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * What a change of a media's files means for its share tokens, within the registration's transaction: a BD token
 * needs the media's rendition, and every token carries the files in its events, so each is announced again.
 */
@Component
public class MediaTokens {

    private final DatabaseClient db;
    private final Outbox outbox;
    private final Sealer sealer;

    MediaTokens(DatabaseClient db, Outbox outbox, Sealer sealer) {
        this.db = db;
        this.outbox = outbox;
        this.sealer = sealer;
    }

    /** A 409 when the media would lose the rendition its BD tokens serve. */
    public Mono<Void> refuseOrphanedBdTokens(Media media) {
        if (media.lowDefinition() != null) {
            return Mono.empty();
        }
        return db.sql("SELECT 1 AS found FROM share_tokens WHERE media_id = :id AND export_definition = 'BD' LIMIT 1")
                .bind("id", media.id())
                .map(row -> true)
                .one()
                .flatMap(found -> Mono.error(new ResponseStatusException(
                        HttpStatus.CONFLICT,
                        "BD share tokens of this media need its low-definition rendition; change them first")));
    }

    /** Each token of the media announced again with its new files ({@code ShareTokenUpdated} without a user). */
    public Mono<Void> reannounce(Media media) {
        return db.sql("SELECT " + StoredToken.COLUMNS + """
                         FROM share_tokens t JOIN share_templates st ON st.id = t.template_id
                        WHERE t.media_id = :id ORDER BY t.id""")
                .bind("id", media.id())
                .map(row -> StoredToken.of(row, sealer))
                .all()
                .concatMap(token -> outbox.append(
                        new ShareTokenUpdated(token.id(), token.state(media), null), String.valueOf(token.id())))
                .then();
    }
}
