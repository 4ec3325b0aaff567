package dev.sharelinks.redirector.redeem;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** Who downloaded, for the download events: the peer, or the forwarded client when forward headers are trusted. */
final class ClientAddress {

    private ClientAddress() {}

    static @Nullable String of(ServerHttpRequest request) {
        return of(request.getRemoteAddress());
    }

    /** The request's remote address, as the server resolved it (Reactor Netty's own forwarded-header support). */
    static @Nullable String of(@Nullable InetSocketAddress remote) {
        return remote == null || remote.getAddress() == null
                ? null
                : remote.getAddress().getHostAddress();
    }
}
