package dev.sharelinks.bench;

import dev.sharelinks.bench.ProcessSampler.Usage;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SmtpServer.ReceivedMail;
import dev.sharelinks.infra.TopicReader;
import dev.sharelinks.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The pipeline latency benchmark: how long after an API call its effect shows elsewhere, at a steady rate.
 * <ul>
 * <li>create: the client's wait, from its request to link-api's answer, which comes once the redirector's projection
 * applied the link (read-your-writes), so it holds the next one;</li>
 * <li>create→redeemable: from the create's request to the link's row committed in the redirector's projection,
 * which is what its GET and HEAD read (link-api, outbox, relay, Kafka, the projection), and whether that commit came
 * after the create's answer (it must not);</li>
 * <li>share→SMTP: from link-api's answer to a share to the SMTP server accepting the recipient's mail (outbox,
 * relay, Kafka, the mailer, SMTP).</li>
 * </ul>
 * Each tick creates a link and shares it to a recipient of its own. Before the load it also measures what each
 * process burns while idle, which the relays' commit notifications keep near zero.
 */
public final class PipelineLatencyBench {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final Pattern URL = Pattern.compile("\"url\"\\s*:\\s*\"([^\"]+)\"");
    private static final Duration GIVE_UP = Duration.ofSeconds(30);
    private static final Duration IDLE = Duration.ofSeconds(10);

    private final Options options;
    private final LocalStack stack;
    private final ProjectionWatcher projection;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private PipelineLatencyBench(Options options, LocalStack stack, ProjectionWatcher projection) {
        this.options = options;
        this.stack = stack;
        this.projection = projection;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path work = Files.createDirectories(
                options.dir().resolve("pipeline-" + Instant.now().getEpochSecond()));
        System.out.println("starting the stack in " + work + " ...");
        try (LocalStack stack = Benches.startStack(
                        work.resolve("stack"), options.services(), ProjectionWatcher.POSTGRES_SETTINGS);
                ProjectionWatcher projection =
                        ProjectionWatcher.start(Benches.postgres(stack).jdbcUrl("sharelinks"))) {
            String report = new PipelineLatencyBench(options, stack, projection).run(work);
            Files.writeString(work.resolve("report.md"), report);
            System.out.println(report);
            System.out.println("(written to " + work.resolve("report.md") + ")");
        }
        // the HTTP client's threads are not daemons; the stack is closed by now
        System.exit(0);
    }

    /** Runs the phases, writes each measured link's moments to {@code links.csv}, and returns the report. */
    private String run(Path work) throws Exception {
        System.out.println("idle for " + IDLE.toSeconds() + " s ...");
        Map<String, Usage> idle;
        try (ProcessSampler sampler = new ProcessSampler(processes())) {
            sampler.start();
            Thread.sleep(IDLE.toMillis());
            idle = sampler.stop();
        }
        List<String> warmUp = warmUp();
        System.out.println("measuring " + options.rate() + " creates and shares a second for "
                + options.duration().toSeconds() + " s ...");
        Map<String, Usage> busy;
        Results results;
        try (ProcessSampler sampler = new ProcessSampler(processes())) {
            sampler.start();
            results = load("measured", options.duration());
            busy = sampler.stop();
        }
        Files.writeString(work.resolve("links.csv"), results.timeline);
        return report(results, idle, busy, warmUp);
    }

    /**
     * Loads the stack at the measured rate in runs of {@code --warmup-step} until the JIT compilers of the services
     * on the path (link-api, the redirector, the mailer) each used less than 2% of a run, for at least
     * {@code --warmup} and at most {@code --max-warmup}: the C2 compiler takes minutes here, and a service measured
     * before it is done spends several times the CPU per request. Returns each run's compile seconds, per service.
     */
    private List<String> warmUp() throws Exception {
        List<String> services = List.of("link-api", "download-redirector", "mailer-service");
        List<String> steps = new ArrayList<>();
        Map<String, Double> compiled = new LinkedHashMap<>();
        for (String service : services) {
            compiled.put(service, Benches.compileSeconds(stack.pid(service)));
        }
        Duration spent = Duration.ZERO;
        while (spent.compareTo(options.maxWarmup()) < 0) {
            System.out.println("warm-up, " + options.warmupStep().toSeconds() + " s ...");
            load("warmup", options.warmupStep());
            spent = spent.plus(options.warmupStep());
            double most = 0;
            List<String> step = new ArrayList<>();
            for (String service : services) {
                double now = Benches.compileSeconds(stack.pid(service));
                double since = now - Objects.requireNonNull(compiled.get(service), "counted before the first run");
                most = Math.max(most, since);
                step.add(String.format("%.1f", since));
                compiled.put(service, now);
            }
            steps.add(String.join("/", step));
            if (spent.compareTo(options.warmup()) >= 0
                    && most < 0.02 * options.warmupStep().toSeconds()) {
                break;
            }
        }
        return steps;
    }

    private Map<String, List<Long>> processes() {
        Map<String, List<Long>> roots = new LinkedHashMap<>();
        roots.put("postgres", List.of(Benches.postgres(stack).pid()));
        for (String service : List.of("link-api", "download-redirector", "mailer-service", "token-api")) {
            roots.put(service, List.of(stack.pid(service)));
        }
        return roots;
    }

    /** Creates and shares at the rate for the duration, then waits for every effect (or gives up on it). */
    private Results load(String phase, Duration duration) throws Exception {
        Results results = new Results();
        int rounds = (int) (options.rate() * duration.toSeconds());
        AtomicInteger started = new AtomicInteger();
        Queue<CompletableFuture<Void>> pending = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try {
            Future<?> ticks = ticker.scheduleAtFixedRate(
                    () -> {
                        int round = started.getAndIncrement();
                        if (round < rounds) {
                            pending.add(round(phase + "-" + round, results));
                        }
                    },
                    0,
                    1_000_000_000L / options.rate(),
                    TimeUnit.NANOSECONDS);
            while (started.get() < rounds) {
                if (ticks.isDone()) {
                    ticks.get(); // a round that could not start ended the ticks: its failure
                }
                Thread.sleep(50);
            }
        } finally {
            ticker.shutdownNow();
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .get(GIVE_UP.toSeconds() + 10, TimeUnit.SECONDS);
        projection.awaitAll(GIVE_UP, results);
        awaitMails(results);
        splitAtKafka(results);
        return results;
    }

    /**
     * Splits each create→redeemable at the moment its LinkCreated record was sent (the record's timestamp, set by
     * the relay's producer): the hop through link-api's outbox and relay, and the hop through Kafka and the
     * projection. So a report says where the time went.
     */
    private void splitAtKafka(Results results) {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(
                Objects.requireNonNull(stack.env().get("KAFKA_BOOTSTRAP"), "stack.env's KAFKA_BOOTSTRAP"),
                Topics.LINKS,
                seen -> seen.stream()
                        .map(ConsumerRecord::key)
                        .collect(Collectors.toSet())
                        .containsAll(results.projected.keySet()),
                GIVE_UP);
        StringBuilder csv = new StringBuilder("link_id,create_sent_at,sent_to_kafka_at,projected_at\n");
        for (ConsumerRecord<String, byte[]> record : records) {
            Projected link = results.projected.get(record.key());
            if (link != null) {
                Instant sent = Instant.ofEpochMilli(record.timestamp());
                results.relayedNanos.add(
                        Duration.between(link.createdAt(), sent).toNanos());
                results.consumedNanos.add(
                        Duration.between(sent, link.committedAt()).toNanos());
                csv.append(record.key())
                        .append(',')
                        .append(link.createdAt())
                        .append(',')
                        .append(sent)
                        .append(',')
                        .append(link.committedAt())
                        .append('\n');
            }
        }
        results.timeline = csv.toString();
    }

    private CompletableFuture<Void> round(String name, Results results) {
        String create = """
                {"expiry_date": "2099-01-01", "limit": 1000,
                 "payload": {"media_id": %s, "filename": "%s.txt"}}""".formatted(stack.env().get("MEDIA_ID"), name);
        Instant sentAt = Instant.now();
        long sent = System.nanoTime();
        return post("/api/v2/shareable_links", create)
                .thenCompose(created -> {
                    results.createNanos.add(System.nanoTime() - sent);
                    Instant answeredAt = Instant.now();
                    if (created.statusCode() != 200) {
                        results.failures.add("create " + created.statusCode() + " " + created.body());
                        return CompletableFuture.completedFuture(null);
                    }
                    String id = group(ID, created.body());
                    String url = group(URL, created.body());
                    projection.watch(
                            url.substring(url.lastIndexOf('/') + 1), Long.parseLong(id), sentAt, answeredAt, results);
                    String recipient = name + "@pipeline.test";
                    CompletableFuture<Void> shared = post("/api/v2/shareable_links/share", """
                    {"recipients": ["%s"], "shareable_link_ids": [%s]}""".formatted(recipient, id))
                            .thenAccept(answer -> {
                                if (answer.statusCode() == 200) {
                                    results.sharedAt.put(recipient, Instant.now());
                                } else {
                                    results.failures.add("share " + answer.statusCode() + " " + answer.body());
                                }
                            });
                    return shared;
                })
                .exceptionally(failure -> {
                    results.failures.add(name + ": " + failure);
                    return null;
                });
    }

    private void awaitMails(Results results) throws InterruptedException {
        Instant deadline = Instant.now().plus(GIVE_UP);
        while (Instant.now().isBefore(deadline) && !mailsArrived(results)) {
            Thread.sleep(100);
        }
        Map<String, Instant> accepted = new ConcurrentHashMap<>();
        for (ReceivedMail mail : stack.smtp().received()) {
            accepted.putIfAbsent(mail.recipient(), mail.acceptedAt());
        }
        results.sharedAt.forEach((recipient, sharedAt) -> {
            Instant at = accepted.get(recipient);
            if (at == null) {
                results.failures.add("no mail for " + recipient);
            } else {
                results.mailedNanos.add(Duration.between(sharedAt, at).toNanos());
            }
        });
    }

    private boolean mailsArrived(Results results) {
        return stack.smtp().receivedRecipients().containsAll(results.sharedAt.keySet());
    }

    private CompletableFuture<HttpResponse<String>> post(String path, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.env().get("LINK_API_URL") + path))
                .header("X-API-KEY", stack.env().get("API_KEY"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String group(Pattern pattern, String body) {
        Matcher matcher = pattern.matcher(body);
        if (!matcher.find()) {
            throw new IllegalStateException(pattern + " not in " + body);
        }
        return matcher.group(1);
    }

    private String report(Results results, Map<String, Usage> idle, Map<String, Usage> busy, List<String> warmUp)
            throws Exception {
        StringBuilder out = Benches.reportHeader("Pipeline latency benchmark", "bench/pipeline", options.args());
        out.append("Load: ")
                .append(options.rate())
                .append(" creates and ")
                .append(options.rate())
                .append(" shares (one recipient each) a second for ")
                .append(options.duration().toSeconds())
                .append(" s, after ")
                .append(warmUp.size() * options.warmupStep().toSeconds())
                .append(" s of warm-up at that rate (until the JIT compilers were quiet, or at most --max-warmup);")
                .append(" each ")
                .append(options.warmupStep().toSeconds())
                .append(" s run's compile seconds (link-api/redirector/mailer): ")
                .append(warmUp)
                .append("\n\n");
        out.append("| latency | count | p50 ms | p99 ms | max ms | target p99 |\n|---|---:|---:|---:|---:|---|\n");
        out.append(row("create (the client's wait: request sent → answer)", results.createNanos, 50));
        out.append(row("create sent → redeemable (in the redirector's projection)", results.redeemableNanos, 100));
        out.append(part("... of which create sent → sent to Kafka (link-api, outbox, relay)", results.relayedNanos));
        out.append(part("... and sent to Kafka → redeemable (broker, projection)", results.consumedNanos));
        out.append(row("share → accepted by SMTP", results.mailedNanos, 100));
        out.append("\nRead-your-writes: ")
                .append(results.redeemableAfterAnswer.size())
                .append(" of ")
                .append(results.redeemableNanos.size())
                .append(" links became redeemable only after their create ")
                .append("answered");
        if (!results.redeemableAfterAnswer.isEmpty()) {
            long[] late = results.redeemableAfterAnswer.stream()
                    .mapToLong(Long::longValue)
                    .sorted()
                    .toArray();
            out.append(String.format(" (by %.1f ms at most)", late[late.length - 1] / 1e6));
        }
        out.append("\n");
        out.append("\nFailures: ")
                .append(
                        results.failures.isEmpty()
                                ? "none"
                                : results.failures.size() + ", e.g. " + results.failures.peek())
                .append("\n\n");
        out.append("| process | CPU cores idle (")
                .append(IDLE.toSeconds())
                .append(" s) | CPU cores under this load | PSS MB |\n|---|---:|---:|---:|\n");
        idle.forEach((process, usage) -> {
            // both samplers watched the same processes()
            Usage loaded = Objects.requireNonNull(busy.get(process), process);
            out.append(String.format(
                    "| %s | %.3f | %.3f | %d |%n", process, usage.cores(), loaded.cores(), loaded.pssMb()));
        });
        return out.toString();
    }

    /** A row without a target: a part of a latency that has one. */
    private static String part(String name, Queue<Long> nanos) {
        return row(name, nanos, 0);
    }

    /** A latency with its target, p99 under {@code targetMillis}; none when 0. */
    private static String row(String name, Queue<Long> nanos, long targetMillis) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        long p99 = Benches.percentile(sorted, 99);
        String target = targetMillis == 0
                ? ""
                : "< " + targetMillis + " ms: "
                        + (sorted.length > 0 && p99 < targetMillis * 1_000_000L ? "**met**" : "**missed**");
        return String.format(
                "| %s | %d | %.1f | %.1f | %.1f | %s |%n",
                name,
                sorted.length,
                Benches.percentile(sorted, 50) / 1e6,
                p99 / 1e6,
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
                target);
    }

    /** @param createdAt when the create's request was sent */
    record Projected(Instant createdAt, Instant committedAt) {}

    /** What one phase saw; filled from the HTTP client's threads and the projection watcher. */
    static final class Results {
        final Queue<Long> createNanos = new ConcurrentLinkedQueue<>();
        final Queue<Long> redeemableNanos = new ConcurrentLinkedQueue<>();
        /** For each link whose row committed after its create's answer, by how long: read-your-writes missed. */
        final Queue<Long> redeemableAfterAnswer = new ConcurrentLinkedQueue<>();

        final Queue<Long> relayedNanos = new ConcurrentLinkedQueue<>();
        final Queue<Long> consumedNanos = new ConcurrentLinkedQueue<>();
        /** By link id: when its create was sent, and when its row was committed in the projection. */
        final Map<String, Projected> projected = new ConcurrentHashMap<>();
        /** Each link's three moments, as CSV, for a look at when the slow ones were. */
        volatile String timeline = "";

        final Queue<Long> mailedNanos = new ConcurrentLinkedQueue<>();
        final Map<String, Instant> sharedAt = new ConcurrentHashMap<>();
        final Queue<String> failures = new ConcurrentLinkedQueue<>();
    }

    /**
     * Command-line settings: {@code --rate R --seconds S --warmup W --warmup-step T --max-warmup M --dir D
     * --services S}.
     */
    private record Options(
            int rate,
            Duration duration,
            Duration warmup,
            Duration warmupStep,
            Duration maxWarmup,
            Path dir,
            Path services,
            List<String> args) {

        static Options parse(String[] args) {
            Map<String, String> given = Benches.options(args);
            return new Options(
                    Integer.parseInt(given.getOrDefault("rate", "50")),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("seconds", "30"))),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("warmup", "30"))),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("warmup-step", "15"))),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("max-warmup", "420"))),
                    Path.of(given.getOrDefault("dir", "target/bench")).toAbsolutePath(),
                    Path.of(given.getOrDefault("services", "local-stack/target/services"))
                            .toAbsolutePath(),
                    List.of(args));
        }
    }
}
