package dev.sharelinks.messaging.outbox;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;
import io.micrometer.tracing.propagation.Propagator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trace context an outbox row keeps, as the message headers that carry it (W3C {@code traceparent} and
 * {@code tracestate}, as the propagator writes them): taken from the request that appends the event, and sent with
 * the event by the relay, so that the consumers' listener observations continue the request's trace. The relay, which
 * runs later and for many requests at once, has no trace of its own to hand on.
 */
final class TraceContextHeaders {

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

    private final Propagator propagator;

    /** @param propagator the application's ({@link Propagator#NOOP} without tracing: no row keeps a context) */
    TraceContextHeaders(Propagator propagator) {
        this.propagator = propagator;
    }

    /**
     * The headers of the span the subscriber's Reactor context is in, as JSON; empty outside a trace. WebFlux keeps
     * a request's observation in the Reactor context of everything its handler subscribes to, which reaches this
     * wherever the transaction around the append runs.
     */
    Mono<Optional<String>> current() {
        return Mono.deferContextual(context -> {
            Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
            TracingContext tracing =
                    observation == null ? null : observation.getContextView().get(TracingContext.class);
            Span span = tracing == null ? null : tracing.getSpan();
            if (span == null) {
                return Mono.just(Optional.empty());
            }
            Map<String, String> headers = new LinkedHashMap<>();
            // the carrier is headers itself; the Setter declares it @Nullable, so no Map::put
            propagator.inject(span.context(), headers, (carrier, name, value) -> headers.put(name, value));
            return Mono.just(
                    headers.isEmpty()
                            ? Optional.empty()
                            : Optional.of(JsonMapper.shared().writeValueAsString(headers)));
        });
    }

    /** The headers a row kept ({@link #current()}'s JSON), none if it kept no context. */
    static Map<String, String> read(@Nullable String kept) {
        return kept == null ? Map.of() : JsonMapper.shared().readValue(kept, HEADERS);
    }
}
