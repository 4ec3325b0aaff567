package dev.sharelinks.tokenapi.token;

import dev.sharelinks.tokenapi.security.DamUser;
import dev.sharelinks.tokenapi.web.KeepeekException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The rights of the contract: READ on a media lets a user list, get, create and update its tokens; deleting needs an
 * administrator, and administrators may do everything. An unknown media is 404 before any right is considered.
 */
@Component
class MediaAccess {

    private final DatabaseClient db;

    MediaAccess(DatabaseClient db) {
        this.db = db;
    }

    Mono<Media> readable(DamUser user, long mediaId) {
        return find(user, mediaId).map(found -> {
            if (!user.administrator() && !found.readable()) {
                throw KeepeekException.forbidden(
                        "Managing share tokens of media " + mediaId + " needs the READ right on it");
            }
            return found.media();
        });
    }

    Mono<Media> deletable(DamUser user, long mediaId) {
        return find(user, mediaId).map(found -> {
            if (!user.administrator()) {
                throw KeepeekException.forbidden("Deleting a share token needs an administrator");
            }
            return found.media();
        });
    }

    private Mono<Found> find(DamUser user, long mediaId) {
        return db.sql("""
                        SELECT m.id, m.bucket, m.original_key, m.original_filename, m.bd_key, m.bd_filename,
                               EXISTS (SELECT 1 FROM media_rights r
                                       WHERE r.user_id = :user AND r.media_id = m.id AND r.right_name = 'READ')
                                   AS readable
                        FROM medias m WHERE m.id = :media""")
                .bind("user", user.id())
                .bind("media", mediaId)
                .map(row -> new Found(Media.of(row), row.get("readable", Boolean.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> KeepeekException.mediaNotFound(mediaId)));
    }

    private record Found(Media media, boolean readable) {}
}
