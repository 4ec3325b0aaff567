package dev.sharelinks.linkapi.webhook;

import dev.sharelinks.linkapi.web.Params;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** A validated {@code POST /api/v2/webhooks} body: the endpoint's URL and the event types it wants, without repeats. */
record WebhookRegistration(String url, List<WebhookEventType> events) {

    /**
     * Checks every parameter, throwing one 422 that names all that are missing or wrong; {@code urlProblem} says
     * what is wrong with a well-formed URL as an endpoint (it resolves the host).
     */
    static WebhookRegistration from(@Nullable JsonNode body, Function<String, Optional<String>> urlProblem) {
        Params params = new Params();
        params.onlyKnown(body, null, Set.of("url", "events"));
        String url = params.requiredString(body, "url", "url");
        JsonNode eventNames = params.array(body, "events", "events", true);
        Set<WebhookEventType> events = new LinkedHashSet<>();
        if (eventNames != null) {
            if (eventNames.isEmpty()) {
                params.invalid("events must name at least one event type");
            }
            for (JsonNode name : eventNames) {
                Optional<WebhookEventType> type =
                        name.isString() ? WebhookEventType.fromWireName(name.stringValue()) : Optional.empty();
                type.ifPresentOrElse(
                        events::add,
                        () -> params.invalid(
                                "events must be among " + known() + ", not " + Params.printable(name.toString())));
            }
        }
        if (url != null) {
            if (url.length() > EndpointAddresses.MAX_URL_LENGTH) {
                params.invalid("url must be at most " + EndpointAddresses.MAX_URL_LENGTH + " characters");
            } else {
                urlProblem.apply(url).ifPresent(params::invalid);
            }
        }
        params.throwIfAny();
        // throwIfAny refused a missing or invalid url
        return new WebhookRegistration(Objects.requireNonNull(url, "url"), List.copyOf(events));
    }

    private static String known() {
        return Arrays.stream(WebhookEventType.values())
                .map(WebhookEventType::wireName)
                .collect(Collectors.joining(", "));
    }
}
