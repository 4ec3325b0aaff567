package dev.sharelinks.mailer.delivery;

import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.ShareRequested.SharedLink;
import dev.sharelinks.sealing.Sealer;
import org.springframework.stereotype.Component;

/**
 * Opens the links' URLs of a share: v2 events carry them sealed with link-api's keys ({@code LINK_SEALING_KEYS},
 * the Secret both services read), v1 events in the clear. The mailer does not start without a valid key.
 */
@Component
class ShareUrls {

    private final Sealer sealer;

    ShareUrls(MailerProperties properties) {
        this.sealer = Sealer.configured(
                properties.linkSealingKeys(), "LINK_SEALING_KEYS (sharelinks.mailer.link-sealing-keys)");
    }

    /**
     * The share with every link's URL in the clear.
     *
     * @throws IllegalArgumentException when a URL was sealed with a key that is not listed, or was changed
     */
    ShareRequested opened(ShareRequested share) {
        return share.withLinks(share.links().stream().map(this::opened).toList());
    }

    private SharedLink opened(SharedLink link) {
        String sealed = link.sealedUrl();
        return sealed == null ? link : link.withUrl(sealer.open(sealed));
    }
}
