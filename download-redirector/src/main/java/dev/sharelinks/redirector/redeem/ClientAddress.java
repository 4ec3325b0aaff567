package dev.sharelinks.redirector.redeem;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** Who downloaded, for the download events: the peer, or the forwarded client when forward headers are trusted. */
final class ClientAddress {

    private ClientAddress() {
    }

    static @Nullable String of(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
    }
}
