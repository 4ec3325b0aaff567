package dev.sharelinks.linkapi.webhook;

import dev.sharelinks.linkapi.webhook.WebhookDeliveries.Backlog;
import dev.sharelinks.linkapi.webhook.WebhookDeliveries.Due;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends the due webhook deliveries: claims a batch, posts each to its endpoint signed with the endpoint's secret,
 * and records the outcome. A 2xx answer delivers; anything else (another status, a refused connection, no answer
 * within the timeout, an address no longer allowed) is tried again after an exponentially growing wait, until
 * {@code retry-for} has passed since the message was written; then it is failed for good, a dead letter.
 * At-least-once: a receiver that took a delivery whose answer got lost sees it again, with the same
 * {@code webhook-id}.
 */
@Component
class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_ERROR_LENGTH = 300;
    /** Rounds of one run at most, so that the backlog gauges are brought up to date under a steady stream too. */
    private static final int MAX_ROUNDS = 100;

    private final WebhookDeliveries deliveries;
    private final EndpointAddresses addresses;
    private final WebhookProperties properties;
    private final Clock clock;
    private final HttpClient http;
    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;
    private final AtomicReference<Backlog> backlog = new AtomicReference<>(new Backlog(0, Duration.ZERO));
    private @Nullable ScheduledExecutorService executor;

    WebhookDispatcher(
            WebhookDeliveries deliveries,
            EndpointAddresses addresses,
            WebhookProperties properties,
            Clock clock,
            MeterRegistry meters) {
        this.deliveries = deliveries;
        this.addresses = addresses;
        this.properties = properties;
        this.clock = clock;
        // redirects are not followed: a 3xx is a failed delivery, so an endpoint cannot bounce one to a private
        // address that registration refused
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.delivered = outcome(meters, "delivered", "deliveries an endpoint took (2xx)");
        this.retried = outcome(meters, "retried", "attempts that failed and will be tried again");
        this.failed = outcome(meters, "failed", "deliveries failed for good after retry-for: the dead letters");
        Gauge.builder("sharelinks.webhooks.pending", backlog, b -> current(b).pending())
                .description("webhook deliveries waiting to be delivered")
                .register(meters);
        Gauge.builder(
                        "sharelinks.webhooks.pending.oldest.age",
                        backlog,
                        b -> current(b).oldest().toMillis() / 1000.0)
                .baseUnit("seconds")
                .description("how long the oldest pending webhook delivery has waited")
                .register(meters);
    }

    /** Starts as an empty backlog, then holds each count read: an aggregate's one row. */
    private static Backlog current(AtomicReference<Backlog> backlog) {
        return Objects.requireNonNull(backlog.get(), "backlog");
    }

    private static Counter outcome(MeterRegistry meters, String outcome, String description) {
        return Counter.builder("sharelinks.webhooks.deliveries")
                .tag("outcome", outcome)
                .description(description)
                .register(meters);
    }

    /**
     * Sends batches until nothing is due; run every poll interval. A delivered message lets the next one of its
     * subject go at once, rather than a poll interval later.
     */
    void dispatch() {
        try {
            List<Due> batch;
            int rounds = 0;
            do {
                // collectList emits a list, empty when nothing is due
                batch = Objects.requireNonNull(
                        deliveries
                                .claim(properties.batchSize(), properties.claim())
                                .block(STATEMENT_TIMEOUT),
                        "batch");
                send(batch);
            } while (!batch.isEmpty() && ++rounds < MAX_ROUNDS);
            backlog.set(deliveries.backlog().block(STATEMENT_TIMEOUT));
        } catch (RuntimeException e) {
            // the claims of a failed round expire, and the next round takes them again
            log.warn(
                    "webhook dispatch failed: {}",
                    NestedExceptionUtils.getMostSpecificCause(e).toString());
        }
    }

    private void send(List<Due> batch) {
        List<CompletableFuture<Void>> sends = new ArrayList<>(batch.size());
        for (Due delivery : batch) {
            Optional<String> refused = addresses.problem(delivery.url());
            if (refused.isPresent()) {
                sends.add(CompletableFuture.runAsync(() -> failedAttempt(delivery, null, refused.get())));
                continue;
            }
            long timestamp = clock.instant().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(URI.create(delivery.url()))
                    .timeout(properties.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Sharelinks-Webhooks/1")
                    .header("webhook-id", delivery.messageId())
                    .header("webhook-timestamp", String.valueOf(timestamp))
                    .header(
                            "webhook-signature",
                            WebhookSignature.sign(delivery.secret(), delivery.messageId(), timestamp, delivery.body()))
                    .POST(HttpRequest.BodyPublishers.ofString(delivery.body()))
                    .build();
            sends.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    // the request timeout ends at the answer's head; this also bounds a body that never ends
                    .orTimeout(
                            properties
                                    .connectTimeout()
                                    .plus(properties.timeout())
                                    .toMillis(),
                            TimeUnit.MILLISECONDS)
                    .handle((response, error) -> {
                        if (error == null && response.statusCode() / 100 == 2) {
                            deliveries
                                    .delivered(delivery, response.statusCode())
                                    .block(STATEMENT_TIMEOUT);
                            delivered.increment();
                        } else if (error == null) {
                            failedAttempt(delivery, response.statusCode(), "HTTP " + response.statusCode());
                        } else {
                            failedAttempt(delivery, null, describe(error));
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
    }

    private void failedAttempt(Due delivery, @Nullable Integer status, String error) {
        Instant now = clock.instant();
        boolean giveUp = !now.isBefore(delivery.createdAt().plus(properties.retryFor()));
        Instant next = giveUp ? null : now.plus(backOff(delivery.attempt()));
        deliveries.attemptFailed(delivery, status, error, next).block(STATEMENT_TIMEOUT);
        if (giveUp) {
            failed.increment();
            log.warn(
                    "webhook {} to endpoint {} failed for good after {} attempts: {}",
                    delivery.messageId(),
                    delivery.endpointId(),
                    delivery.attempt(),
                    error);
        } else {
            retried.increment();
            log.info(
                    "webhook {} to endpoint {}, attempt {} failed, retried at {}: {}",
                    delivery.messageId(),
                    delivery.endpointId(),
                    delivery.attempt(),
                    next,
                    error);
        }
    }

    /** The wait after the {@code attempt}th failure: doubling from the initial interval up to the maximum, ±20%. */
    private Duration backOff(int attempt) {
        long initial = properties.retryInitialInterval().toMillis();
        long max = properties.retryMaxInterval().toMillis();
        long wait = attempt >= 40 ? max : Math.min(max, initial << Math.max(0, attempt - 1));
        return Duration.ofMillis((long) (wait * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
    }

    /** What went wrong, as the endpoint's owner can act on it; the HTTP client wraps the cause several times. */
    private static String describe(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
                return "no answer within the timeout";
            }
            if (cause instanceof ConnectException) {
                return "could not connect";
            }
        }
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(error);
        String text = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    void forgetFinished() {
        deliveries.forgetFinished(properties.finishedRetention()).block(STATEMENT_TIMEOUT);
    }

    @Override
    public synchronized void start() {
        if (!properties.dispatcherEnabled() || executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "webhook-dispatcher");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.pollInterval().toMillis();
        // dispatch catches its failures: one that escaped would end the polling, unseen by this future
        Future<?> unused = executor.scheduleWithFixedDelay(this::dispatch, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            // deliveries in flight keep their claims, which expire: another dispatcher sends them again
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
