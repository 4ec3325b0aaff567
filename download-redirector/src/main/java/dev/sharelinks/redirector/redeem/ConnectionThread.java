package dev.sharelinks.redirector.redeem;

import java.util.concurrent.Executor;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.netty.Connection;

/**
 * The event loop that serves a request's connection. A grant statement's result arrives on the database
 * connection's thread, one for the whole batch; answering each redeem (presigning, the response) on its own
 * connection's event loop spreads that work over all of them instead of queueing it on one.
 */
final class ConnectionThread {

    private static final Executor CALLER = Runnable::run;

    private ConnectionThread() {
    }

    /** The request's event loop, or the calling thread where the server is not Reactor Netty. */
    static Executor of(ServerHttpRequest request) {
        if (request instanceof AbstractServerHttpRequest serverRequest
                && serverRequest.getNativeRequest() instanceof Connection connection) {
            return connection.channel().eventLoop();
        }
        if (request instanceof ServerHttpRequestDecorator decorator) {
            return of(decorator.getDelegate());
        }
        return CALLER;
    }
}
