package dev.sharelinks.redirector.redeem;

import dev.sharelinks.events.EventType;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

/**
 * The parameters every statement that records a download event shares: {@code :topic} and {@code :type} of the
 * event, {@code :client} and {@code :agent} of who asked (either may be unknown).
 */
final class DownloadEventParameters {

    private DownloadEventParameters() {}

    static GenericExecuteSpec bind(
            GenericExecuteSpec statement, EventType event, @Nullable String clientAddress, @Nullable String userAgent) {
        return statement
                .bind("topic", event.topic())
                .bind("type", event.typeName())
                .bind("client", Parameters.in(R2dbcType.VARCHAR, clientAddress))
                .bind("agent", Parameters.in(R2dbcType.VARCHAR, userAgent));
    }
}
