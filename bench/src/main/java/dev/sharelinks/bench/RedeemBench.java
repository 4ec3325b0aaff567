package dev.sharelinks.bench;

import dev.sharelinks.bench.ProcessSampler.Usage;
import dev.sharelinks.events.EventType;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.stack.LocalStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The redeem benchmark: in one run, on one machine, the redirector against the database's limit for the naive
 * design. It starts the local stack, seeds N links straight into the redirector's projection, then measures
 * <ol>
 * <li>pgbench running the redirector's own grant statement, taken from its jar, with one redeem per statement;</li>
 * <li>the redirector over HTTP, driven by wrk, until its JIT has warmed up (throughput stable between runs);</li>
 * <li>in each of R rounds, pgbench running the naive design's statement (one redeem per statement: decrement plus
 * outbox insert in one CTE, its own implicit transaction), the baseline, then the redirector over HTTP, at the same
 * concurrency: the ratio of a round is measured side by side, and the report gives every round and the median;</li>
 * <li>both again at a fixed rate, a fraction of the baseline's peak (pgbench --rate, wrk on a schedule), for the
 * latency of a system that is not saturated,</li>
 * </ol>
 * and prints throughput, latency percentiles, the ratios, CPU and memory per process, and whether the decrements the
 * database recorded equal the grants the redirector counted.
 */
public final class RedeemBench {

    private static final long SEEDED_REMAINING = 2_000_000_000L;
    private static final Duration SETTLE_LIMIT = Duration.ofMinutes(3);
    private static final String OTHER_SERVICES = "other services";
    /** wrk's threads in all, whatever the number of URLs, so that every run's load generator is the same size. */
    private static final int WRK_THREADS = 2;

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern WRK = Pattern.compile("BENCH requests=(\\d+) served=(\\d+) others=(\\d+) "
            + "errors=(\\d+) duration_us=(\\d+) p50_us=(\\d+) p99_us=(\\d+) p999_us=(\\d+)");
    private static final Pattern GRANTS = Pattern.compile("sharelinks_redeem_grants_total(?:\\{[^}]*})? ([0-9.E]+)");
    private static final Pattern ABANDONED =
            Pattern.compile("sharelinks_redeem_grants_abandoned_total(?:\\{[^}]*})? ([0-9.E]+)");
    /** The link route's {@code uri} tag, as a regular expression. */
    private static final String LINK_URI = "/api/v2/shareable_links/\\{key}";

    private final Options options;
    private final LocalStack stack;
    private final PostgresServer postgres;
    private final Path work;

    private RedeemBench(Options options, LocalStack stack, Path work) {
        this.options = options;
        this.stack = stack;
        this.postgres = java.util.Objects.requireNonNull(stack.postgres(), "the bench runs its own PostgreSQL");
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        if (options.replicas() == 0
                && (options.route() != Route.LINKS || options.podCpus() != 0 || options.podCpuLimit() != 0)) {
            throw new IllegalArgumentException(
                    "--route tokens|misses, --pod-cpus and --pod-cpu-limit are scaling modes: give --replicas N");
        }
        if (options.podCpus() < 0) {
            throw new IllegalArgumentException("--pod-cpus takes a number of CPUs; got " + options.podCpus());
        }
        if (options.podCpuLimit() < 0 || (options.podCpuLimit() > 0 && options.podCpus() > 0)) {
            throw new IllegalArgumentException("--pod-cpu-limit takes a number of CPUs, and sizes the pods itself"
                    + " (no --pod-cpus); got " + options.podCpuLimit());
        }
        Path work = Files.createDirectories(
                options.dir().resolve("run-" + Instant.now().getEpochSecond()));
        System.out.println("starting the stack in " + work + " ...");
        try (LocalStack stack =
                Benches.startStack(work.resolve("stack"), options.services(), options.postgresSettings())) {
            RedeemBench bench = new RedeemBench(options, stack, work);
            String report;
            if (options.replicas() > 0) {
                try (ReplicaScaling scaling = new ReplicaScaling(bench, options, stack)) {
                    report = scaling.run();
                }
            } else {
                report = bench.run();
            }
            Files.writeString(work.resolve("report.md"), report);
            System.out.println(report);
            System.out.println("(written to " + work.resolve("report.md") + ")");
        }
    }

    private String run() throws Exception {
        seed();
        Measurement statement = pgbench("redirector-statement", redirectorStatementAsPgbench(), 0);
        if (options.profiled()) {
            startRecording("download-redirector", "warm-up");
        }
        List<WarmUpStep> warmUp = warmUp();
        List<Round> rounds = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            Measurement naive = pgbench("naive-" + round, resource("bench/naive-grant.pgbench"), 0);
            boolean profiled = round == 1 && options.profiled();
            if (profiled) {
                startRecording("download-redirector", "measured");
            }
            rounds.add(new Round(naive, measuredHttp("redirector-" + round, 0)));
            if (profiled) {
                saveRecording("download-redirector", "measured", "redirector.jfr");
            }
        }
        double rate = options.rateFraction()
                * median(rounds.stream().map(r -> r.naive().perSecond()).toList());
        Round paced = new Round(
                pgbench("naive-at-rate", resource("bench/naive-grant.pgbench"), rate),
                measuredHttp("redirector-at-rate", rate));
        return report(statement, warmUp, rounds, paced, rate);
    }

    /**
     * Runs the redirector until its JIT compilers have done their work (the C2 compiler takes minutes on a small
     * machine, and the throughput grows while it does): runs of {@code --warmup-step} until the compilers used less
     * than 2% of a run's time, for at least {@code --warmup} and at most {@code --max-warmup} in all. Returns each
     * run's throughput and compile time.
     */
    private List<WarmUpStep> warmUp() throws Exception {
        List<WarmUpStep> steps = new ArrayList<>();
        Duration spent = Duration.ZERO;
        double compiled = Benches.compileSeconds(stack.pid("download-redirector"));
        while (spent.compareTo(options.maxWarmup()) < 0) {
            double perSecond = wrk("warm-up", options.warmupStep(), 0).perSecond();
            double nowCompiled = Benches.compileSeconds(stack.pid("download-redirector"));
            steps.add(new WarmUpStep(perSecond, nowCompiled - compiled));
            compiled = nowCompiled;
            spent = spent.plus(options.warmupStep());
            boolean compilersQuiet = steps.get(steps.size() - 1).compileSeconds()
                    < 0.02 * options.warmupStep().toSeconds();
            if (spent.compareTo(options.warmup()) >= 0 && compilersQuiet) {
                break;
            }
        }
        return steps;
    }

    /** A warm-up run: the redirector's throughput and the seconds its JIT compilers spent meanwhile. */
    private record WarmUpStep(double perSecond, double compileSeconds) {}

    /** One HTTP run, with the database's decrements and the redirector's grants counted around it. */
    private Measurement measuredHttp(String name, double rate) throws Exception {
        settle();
        long decrementsBefore = decrements();
        Metrics before = metrics();
        Measurement http = wrk(name, options.duration(), rate);
        // what was in flight when wrk stopped is still answered; let it settle before counting
        Thread.sleep(2_000);
        Metrics after = metrics();
        return http.reconciled(decrements() - decrementsBefore, after.minus(before));
    }

    /** N links with more downloads than any run can use, keys bench-1 .. bench-N. */
    void seed() {
        System.out.println("seeding " + options.links() + " links ...");
        sql("""
                INSERT INTO redirector.redeemable_links
                    (key_digest, link_id, bucket, object_key, filename, expires_at, remaining)
                SELECT sha256(convert_to('bench-' || i, 'UTF8')), 9000000000 + i, 'demo-media', 'bench/object.bin', 'bench.bin',
                       now() + interval '1 day', %d
                FROM generate_series(1, %d) AS i""".formatted(SEEDED_REMAINING, options.links()));
        sql("VACUUM ANALYZE redirector.redeemable_links");
    }

    /**
     * N active share tokens granting the same file, public paths bench-1.bin .. bench-N.bin ({@code --route tokens});
     * the links stay seeded for the naive statement, the baseline.
     */
    void seedTokens() {
        System.out.println("seeding " + options.links() + " share tokens ...");
        sql("""
                INSERT INTO redirector.redeemable_tokens
                    (token_id, path_digest, media_id, export_definition, manual_activate, hd_bucket, hd_key, hd_filename,
                     event_at)
                SELECT 9000000000 + i, sha256(convert_to('bench-' || i || '.bin', 'UTF8')), 9000000000 + i, 'HD', true,
                       'demo-media', 'bench/object.bin', 'bench.bin', now()
                FROM generate_series(1, %d) AS i""".formatted(options.links()));
        sql("VACUUM ANALYZE redirector.redeemable_tokens");
    }

    /**
     * The downloads on the record for the seeded keys of {@code --route}: for links what their rows gave
     * ({@link #decrements()}), for share tokens the records on the downloads topic once the outbox is published
     * (nothing else publishes there while a run is measured).
     */
    long downloadsRecorded() throws Exception {
        if (options.route() != Route.TOKENS) {
            return decrements();
        }
        settle();
        try (Admin kafka = Admin.create(Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.env().get("KAFKA_BOOTSTRAP")))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            TopicDescription downloads = Objects.requireNonNull(
                    kafka.describeTopics(List.of(Topics.DOWNLOADS))
                            .allTopicNames()
                            .get()
                            .get(Topics.DOWNLOADS),
                    "no downloads topic");
            downloads
                    .partitions()
                    .forEach(partition -> latest.put(
                            new TopicPartition(Topics.DOWNLOADS, partition.partition()), OffsetSpec.latest()));
            return kafka.listOffsets(latest).all().get().values().stream()
                    .mapToLong(ListOffsetsResultInfo::offset)
                    .sum();
        }
    }

    /**
     * pgbench running {@code script}, whose first line picks the key, with {@code --keys}' distribution in its place.
     *
     * @param rate transactions a second on a schedule (pgbench --rate); 0 for as many as it can
     */
    Measurement pgbench(String name, String script, double rate) throws Exception {
        script = options.keys().pgbenchChoice() + script.substring(script.indexOf('\n'));
        settle();
        System.out.println("pgbench: " + name + (rate > 0 ? String.format(" at %.0f/s", rate) : "") + " ...");
        Path file = work.resolve(name + ".pgbench");
        Files.writeString(file, script);
        Path logs = Files.createDirectories(work.resolve(name + "-log"));
        List<String> command = new ArrayList<>(List.of(
                postgres.binary("pgbench").toString(),
                "-h",
                postgres.host(),
                "-p",
                String.valueOf(postgres.port()),
                "-U",
                PostgresServer.USER,
                "-n",
                "-M",
                "prepared",
                "-c",
                String.valueOf(options.clients()),
                "-j",
                "2",
                "-T",
                String.valueOf(options.duration().toSeconds()),
                "-D",
                "links=" + options.links(),
                "-D",
                "topic=" + EventType.DOWNLOAD_CONSUMED.topic(),
                // the events the relay then publishes are real DownloadConsumed ones, which the redirector applies
                "-D",
                "type=" + EventType.DOWNLOAD_CONSUMED.typeName(),
                "-f",
                file.toString(),
                "-l",
                "--log-prefix=" + logs.resolve("tx"),
                "sharelinks"));
        if (rate > 0) {
            command.add(1, "--rate=" + Math.round(rate));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGOPTIONS", "-c search_path=redirector");
        Run run = measure(builder, name);
        Matcher tps = TPS.matcher(run.output());
        if (run.exitCode() != 0 || !tps.find()) {
            throw new IllegalStateException("pgbench failed:\n" + run.output());
        }
        long[] latencies = pgbenchLatencies(logs);
        return new Measurement(
                name,
                Double.parseDouble(tps.group(1)),
                Benches.percentile(latencies, 50),
                Benches.percentile(latencies, 99),
                Benches.percentile(latencies, 99.9),
                run.usage());
    }

    /** @param rate requests a second on a schedule; 0 for as many as the connections can get answered */
    private Measurement wrk(String name, Duration duration, double rate) throws Exception {
        return wrk(
                        name,
                        List.of(stack.env().get("REDIRECT_URL")),
                        options.clients(),
                        duration,
                        rate,
                        List.of("download-redirector"))
                .get(0);
    }

    /**
     * wrk against each URL at once, {@code connections} connections each, every one with the key distribution of
     * {@code --keys}; a measurement per URL, in their order. The URLs share {@link #WRK_THREADS} (one wrk each at
     * least): two wrk processes of two threads each against two replicas would spend more CPU per request, on the
     * cores the replicas share, than the one of two threads that the one replica alone gets.
     *
     * @param rate requests a second on a schedule for each URL; 0 for as many as the connections can get answered
     * @param redirectors the services behind the URLs, whose CPU is sampled
     */
    List<Measurement> wrk(
            String name, List<String> urls, int connections, Duration duration, double rate, List<String> redirectors)
            throws Exception {
        Path script = work.resolve("redeem.lua");
        Files.writeString(script, resource("bench/redeem.lua"));
        List<ProcessBuilder> builders = new ArrayList<>();
        int threads = Math.max(1, WRK_THREADS / urls.size());
        for (String url : urls) {
            ProcessBuilder builder = new ProcessBuilder(
                            "wrk",
                            "-t",
                            String.valueOf(threads),
                            "-c",
                            String.valueOf(connections),
                            "-d",
                            duration.toSeconds() + "s",
                            "--timeout",
                            "10s",
                            "-s",
                            script.toString(),
                            url)
                    .redirectErrorStream(true);
            builder.environment().put("BENCH_LINKS", String.valueOf(options.links()));
            builder.environment().put("BENCH_KEYS", options.keys().toString());
            builder.environment().put("BENCH_ROUTE", options.route().toString());
            if (rate > 0) {
                builder.environment().put("BENCH_RATE_PER_THREAD", String.valueOf(rate / threads));
            }
            builders.add(builder);
        }
        System.out.println("wrk: " + name + ", " + duration.toSeconds() + " s"
                + (rate > 0 ? String.format(" at %.0f/s", rate) : "") + ", " + options.keys() + " keys of "
                + options.route() + ", against "
                + urls + " ...");
        List<Run> runs = measure(builders, name, redirectors);
        List<Measurement> measurements = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            Matcher result = WRK.matcher(run.output());
            if (run.exitCode() != 0 || !result.find()) {
                throw new IllegalStateException("wrk failed:\n" + run.output());
            }
            double seconds = Long.parseLong(result.group(5)) / 1e6;
            long served = Long.parseLong(result.group(2));
            if (Long.parseLong(result.group(3)) > 0 || Long.parseLong(result.group(4)) > 0) {
                System.out.println("warning: answers other than the route's, or errors: " + result.group());
            }
            measurements.add(new Measurement(
                    name + (runs.size() > 1 ? "-" + (i + 1) : ""),
                    served / seconds,
                    Long.parseLong(result.group(6)),
                    Long.parseLong(result.group(7)),
                    Long.parseLong(result.group(8)),
                    run.usage(),
                    served,
                    null));
        }
        return measurements;
    }

    /**
     * Starts a JFR recording {@code name} of one of the stack's services ({@code process}), with {@code --profile}'s
     * settings. The first, {@code warm-up}, starts before the warm-up and stays on, so that the JIT compiles with
     * JFR's instrumentation in place: a first recording started on a warmed JVM sets its compilers recompiling for
     * minutes, and its profile describes the recompilation (bench/results, profiles from before the warm-up). Each
     * measured run then has a recording of its own, exactly its span (a window dumped from one long recording is cut
     * at its chunks, minutes long).
     */
    void startRecording(String process, String name) throws Exception {
        jcmd(process, "JFR.start", "name=" + name, "settings=" + options.profile());
    }

    /** Stops {@code process}'s recording {@code name} and writes it to {@code file}, for {@code jfr print}. */
    void saveRecording(String process, String name, String file) throws Exception {
        Path recording = work.resolve(file);
        jcmd(process, "JFR.stop", "name=" + name, "filename=" + recording);
        System.out.println("recorded " + process + " to " + recording);
    }

    private void jcmd(String process, String... command) throws Exception {
        Benches.jcmd(stack.pid(process), command);
    }

    /**
     * Waits until the previous run's events are done with: the outbox published, and every consumer group caught up
     * with its topics. Without it a run is charged with its predecessor's backlog (the relay, Kafka and the
     * consumers working off a naive run's events while the redirector is measured, and the other way round), and the
     * two sides of a round are no longer measured alike.
     */
    void settle() throws Exception {
        long start = System.nanoTime();
        long deadline = start + SETTLE_LIMIT.toNanos();
        try (Admin kafka = Admin.create(Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.env().get("KAFKA_BOOTSTRAP")))) {
            long outbox;
            long lag;
            do {
                outbox = Long.parseLong(sql("SELECT count(*) FROM redirector.outbox"));
                lag = consumerLag(kafka);
                if (outbox == 0 && lag == 0) {
                    System.out.printf("settled in %.1f s%n", (System.nanoTime() - start) / 1e9);
                    return;
                }
                Thread.sleep(500);
            } while (System.nanoTime() < deadline);
            System.out.printf(
                    "warning: not settled after %d s (outbox %d rows, consumer lag %d records)%n",
                    SETTLE_LIMIT.toSeconds(), outbox, lag);
        }
    }

    /** The records on the topics that their consumer groups have not committed yet, over every group. */
    private static long consumerLag(Admin kafka) throws Exception {
        long lag = 0;
        for (GroupListing group : kafka.listGroups().all().get()) {
            Map<TopicPartition, OffsetAndMetadata> committed = kafka.listConsumerGroupOffsets(group.groupId())
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResultInfo> ends =
                    kafka.listOffsets(latest).all().get();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> offset : committed.entrySet()) {
                if (offset.getValue() != null) {
                    // listOffsets answers every partition it was asked about
                    ListOffsetsResultInfo end = Objects.requireNonNull(ends.get(offset.getKey()), "no end offset");
                    lag += end.offset() - offset.getValue().offset();
                }
            }
        }
        return lag;
    }

    /** Runs a load process while sampling it, PostgreSQL, the redirector and the other services. */
    private Run measure(ProcessBuilder builder, String name) throws Exception {
        return measure(List.of(builder), name, List.of("download-redirector")).get(0);
    }

    /**
     * Runs load processes together while sampling them, PostgreSQL, the named redirectors and the other services;
     * their outputs in the order of the builders, each with the usage of the whole run.
     */
    List<Run> measure(List<ProcessBuilder> builders, String name, List<String> redirectors) throws Exception {
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int i = 0; i < builders.size(); i++) {
            Path output = work.resolve(name + (builders.size() > 1 ? "-" + (i + 1) : "") + ".out");
            builders.get(i).redirectOutput(output.toFile());
            outputs.add(output);
        }
        Map<String, List<Long>> roots = new LinkedHashMap<>();
        roots.put("postgres", List.of(postgres.pid()));
        roots.put("redirector", redirectors.stream().map(stack::pid).toList());
        // they consume the events of every run: link-api counts downloads
        roots.put(
                OTHER_SERVICES,
                Stream.of("link-api", "token-api", "mailer-service")
                        .map(stack::pid)
                        .toList());
        List<Long> load = new ArrayList<>();
        for (ProcessBuilder builder : builders) {
            Process process = builder.start();
            processes.add(process);
            load.add(process.pid());
        }
        roots.put("load generator", load);
        try (ProcessSampler sampler = new ProcessSampler(roots)) {
            sampler.start();
            List<Integer> exits = new ArrayList<>();
            for (Process process : processes) {
                exits.add(process.waitFor());
            }
            Map<String, Usage> usage = sampler.stop();
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < processes.size(); i++) {
                runs.add(new Run(exits.get(i), Files.readString(outputs.get(i)), usage));
            }
            return runs;
        }
    }

    private String redirectorStatementAsPgbench() throws IOException {
        Path jar = options.services().resolve("download-redirector.jar");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            var entry = zip.getEntry("BOOT-INF/classes/redeem/grant.sql");
            if (entry == null) {
                throw new IllegalStateException("no redeem/grant.sql in " + jar);
            }
            String statement;
            try (InputStream in = zip.getInputStream(entry)) {
                statement = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            // the same statement, with a batch of one redeem bound where the redirector binds its arrays (a plain
            // URL's, without a recipient reference), and the topic and type as pgbench variables. Jars from before
            // recipient references bind the topic and type as $4 and $5, and older ones name their parameters
            boolean withRefs = statement.contains("CAST($4 AS text[])");
            // jars from before key digests bind the keys themselves
            String keys = statement.contains("key_hex")
                    ? "ARRAY[encode(sha256(convert_to('bench-' || :n, 'UTF8')), 'hex')]"
                    : "ARRAY['bench-' || :n]";
            String single = statement
                    .lines()
                    .filter(line -> !line.startsWith("--"))
                    .reduce((a, b) -> a + "\n" + b)
                    .orElseThrow()
                    .replace("$1", keys)
                    .replace(":keys", keys)
                    .replace("$2", "ARRAY['127.0.0.1']")
                    .replace(":clients", "ARRAY['127.0.0.1']")
                    .replace("$3", "ARRAY['pgbench']")
                    .replace(":agents", "ARRAY['pgbench']");
            single = withRefs
                    ? single.replace("$4", "ARRAY[CAST(NULL AS text)]")
                            .replace("$5", ":topic")
                            .replace("$6", ":type")
                    : single.replace("$4", ":topic")
                            .replace("$5", ":type")
                            .replace("$6", "ARRAY[CAST(NULL AS bigint)]");
            return "\\set n random(1, :links)\n" + single + ";\n";
        }
    }

    /**
     * The downloads the seeded links have given: what left their rows, less what replicas hold in download leases
     * and have not granted yet (jars without leases have no such table).
     */
    long decrements() {
        boolean leases =
                !sql("SELECT to_regclass('redirector.download_leases')").isBlank();
        return Long.parseLong(sql("SELECT coalesce(sum(" + SEEDED_REMAINING + " - remaining), 0)"
                        + " FROM redirector.redeemable_links WHERE link_id > 9000000000"))
                - (leases
                        ? Long.parseLong(sql("SELECT coalesce(sum(size - used), 0) FROM redirector.download_leases"
                                + " WHERE link_id > 9000000000"))
                        : 0);
    }

    /**
     * The redirector's own counts: the grants it handed out, the 302s it answered (Micrometer's
     * http.server.requests), and the grants whose visitor had hung up before the answer.
     */
    private Metrics metrics() throws Exception {
        return metrics(Objects.requireNonNull(stack.env().get("REDIRECT_URL"), "stack.env's REDIRECT_URL"));
    }

    /** {@link #metrics()} of the redirector at {@code url}. */
    Metrics metrics(String url) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String metrics = client.send(
                        HttpRequest.newBuilder(URI.create(stack.managementUrl(url) + "/actuator/prometheus"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        // the last scrape, to read what the reconciliation read
        Files.writeString(work.resolve("redirector-metrics.txt"), metrics);
        Route route = options.route();
        return new Metrics(
                count(GRANTS, metrics),
                count(route.served(), metrics),
                count(ABANDONED, metrics),
                count(route.statements(), metrics),
                count(route.batched(), metrics));
    }

    /** The sum of every series the pattern matches (a route's answers are a series per status). */
    private static double count(Pattern metric, String metrics) {
        Matcher value = metric.matcher(metrics);
        double sum = 0;
        while (value.find()) {
            sum += Double.parseDouble(value.group(1));
        }
        return sum;
    }

    /**
     * What redirectors counted: grants, the answers the route's runs expect, grants whose visitor hung up, and the
     * route's grant statements and the GETs they carried.
     */
    record Metrics(double grants, double served, double abandoned, double statements, double batched) {

        static final Metrics NONE = new Metrics(0, 0, 0, 0, 0);

        Metrics plus(Metrics other) {
            return new Metrics(
                    grants + other.grants,
                    served + other.served,
                    abandoned + other.abandoned,
                    statements + other.statements,
                    batched + other.batched);
        }

        Metrics minus(Metrics earlier) {
            return new Metrics(
                    grants - earlier.grants,
                    served - earlier.served,
                    abandoned - earlier.abandoned,
                    statements - earlier.statements,
                    batched - earlier.batched);
        }

        /** GETs a grant statement carried on average; 0 without statements. */
        double getsPerStatement() {
            return statements == 0 ? 0 : batched / statements;
        }
    }

    private String report(Measurement statement, List<WarmUpStep> warmUp, List<Round> rounds, Round paced, double rate)
            throws IOException {
        StringBuilder out = Benches.reportHeader("Redeem benchmark", "bench/redeem", options.args());
        out.append("Links: ")
                .append(options.links())
                .append(", concurrency: ")
                .append(options.clients())
                .append(" (pgbench clients = wrk connections), ")
                .append(options.duration().toSeconds())
                .append(" s each; HTTP warm-up ")
                .append(warmUp.size() * options.warmupStep().toSeconds())
                .append(" s (until the redirector's JIT compilers were quiet, or at most --max-warmup); each ")
                .append(options.warmupStep().toSeconds())
                .append(" s run's redeems/s (compile seconds): ")
                .append(warmUp.stream()
                        .map(step -> String.format("%.0f (%.1f)", step.perSecond(), step.compileSeconds()))
                        .toList())
                .append("  \nPostgreSQL settings: ")
                .append(options.postgresSettings())
                .append("\n\n");
        out.append("| run | redeems/s | p50 ms | p99 ms | p99.9 ms | CPU cores: postgres / redirector / load / "
                + "other services / rest | PSS MB: postgres / redirector |\n|---|---:|---:|---:|---:|---|---|\n");
        out.append(statement.row()).append('\n');
        List<Double> ratios = new ArrayList<>();
        for (Round round : rounds) {
            out.append(round.naive().row())
                    .append('\n')
                    .append(round.http().row())
                    .append('\n');
            ratios.add(round.http().perSecond() / round.naive().perSecond());
        }
        out.append(paced.naive().row()).append('\n').append(paced.http().row()).append('\n');

        out.append("\nRatio redirector / pgbench naive statement, round by round: ")
                .append(ratios.stream().map(r -> String.format("%.2fx", r)).toList())
                .append("; median **")
                .append(String.format("%.2fx", median(ratios)))
                .append("** (target >= 1.0)  \n");
        out.append("Ratio redirector / pgbench redirector statement, one redeem each (median round): ")
                .append(String.format(
                        "%.2fx",
                        median(rounds.stream().map(r -> r.http().perSecond()).toList()) / statement.perSecond()))
                .append("  \n");
        out.append(String.format(
                "At %.0f redeems/s (%.0f%% of the baseline's median peak): p99 %.2f ms against "
                        + "pgbench's %.2f ms, **%.2fx** (target <= 3); the redirector answered %.0f/s, pgbench %.0f/s"
                        + "  %n",
                rate,
                100 * options.rateFraction(),
                paced.http().p99() / 1000.0,
                paced.naive().p99() / 1000.0,
                (double) paced.http().p99() / paced.naive().p99(),
                paced.http().perSecond(),
                paced.naive().perSecond()));
        long decrements = 0;
        long grants = 0;
        long served = 0;
        long received = 0;
        long abandoned = 0;
        for (Measurement http : Stream.concat(rounds.stream().map(Round::http), Stream.of(paced.http()))
                .toList()) {
            decrements += http.recorded();
            grants += Math.round(http.counted().grants());
            served += Math.round(http.counted().served());
            received += http.served();
            abandoned += Math.round(http.counted().abandoned());
        }
        out.append("Exactness, over every measured HTTP run: ")
                .append(decrements)
                .append(" decrements recorded, ")
                .append(grants)
                .append(" grants handed out: ")
                .append(decrements == grants ? "**equal**" : "**DIFFERENT**")
                .append(". ")
                .append(served)
                .append(" of the grants were answered 302 (")
                .append(received)
                .append(" received by wrk before it stopped); the other ")
                .append(grants - served)
                .append(" were for visitors who hung up first (wrk closes its connections at the end; ")
                .append(abandoned)
                .append(" of them before the grant came back)\n");
        return out.toString();
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    String sql(String statement) {
        return postgres.query("sharelinks", statement);
    }

    private static long[] pgbenchLatencies(Path logs) throws IOException {
        List<Long> latencies = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    String[] fields = line.split(" ", -1);
                    if (fields.length > 2) {
                        latencies.add(Long.parseLong(fields[2]));
                    }
                }
            }
        }
        return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    static String resource(String name) {
        try (InputStream in = RedeemBench.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Run(int exitCode, String output, Map<String, Usage> usage) {}

    /** A baseline run and the redirector's, side by side. */
    private record Round(Measurement naive, Measurement http) {}

    /**
     * One run's figures; latencies in microseconds. An HTTP run also has the answers its route expects that wrk
     * received (302s; 404s and 429s for the control, {@code --route misses}), and once reconciled the decrements the
     * database recorded and the redirector's own counts.
     */
    record Measurement(
            String name,
            double perSecond,
            long p50,
            long p99,
            long p999,
            Map<String, Usage> usage,
            long served,
            @Nullable Reconciled reconciled) {

        Measurement(String name, double perSecond, long p50, long p99, long p999, Map<String, Usage> usage) {
            this(name, perSecond, p50, p99, p999, usage, 0, null);
        }

        Measurement reconciled(long recorded, Metrics counted) {
            return new Measurement(name, perSecond, p50, p99, p999, usage, served, new Reconciled(recorded, counted));
        }

        /** The downloads on the record for the run: the links' decrements, or the share tokens' events. */
        long recorded() {
            return reconciled == null ? 0 : reconciled.recorded();
        }

        Metrics counted() {
            return reconciled == null ? Metrics.NONE : reconciled.counted();
        }

        String row() {
            Usage pg = sampled("postgres");
            Usage service = sampled("redirector");
            Usage load = sampled("load generator");
            Usage others = sampled(OTHER_SERVICES);
            Usage rest = sampled(ProcessSampler.REST);
            return String.format(
                    "| %s | %.0f | %.2f | %.2f | %.2f | %.2f / %.2f / %.2f / %.2f / %.2f | %d / %d |",
                    name,
                    perSecond,
                    p50 / 1000.0,
                    p99 / 1000.0,
                    p999 / 1000.0,
                    pg.cores(),
                    service.cores(),
                    load.cores(),
                    others.cores(),
                    rest.cores(),
                    pg.pssMb(),
                    service.pssMb());
        }

        /** A group's usage: the sampler measures every group of measure()'s roots, and the rest. */
        private Usage sampled(String group) {
            return Objects.requireNonNull(usage.get(group), () -> "no usage sampled for " + group);
        }
    }

    record Reconciled(long recorded, Metrics counted) {}

    /**
     * Command-line settings: {@code --links N --clients C --seconds S --rounds R --rate-fraction F --warmup W
     * --warmup-step T --max-warmup M --dir D --services S --profile false|true|default|F.jfc
     * --postgres name=value,name=value --replicas N --keys uniform|hot|zipf --route links|tokens|misses
     * --pod-cpus C --pod-cpu-limit L}; the PostgreSQL settings apply to the one server both the baseline and the
     * redirector run against, on top of {@link #POSTGRES_DEFAULTS}.
     */
    record Options(
            int links,
            int clients,
            Duration duration,
            int rounds,
            double rateFraction,
            Duration warmup,
            Duration warmupStep,
            Duration maxWarmup,
            Path dir,
            Path services,
            String profile,
            Map<String, String> postgresSettings,
            int replicas,
            KeyChoice keys,
            Route route,
            int podCpus,
            double podCpuLimit,
            List<String> args) {

        /**
         * Shared buffers sized like a database server's, whose working set fits in them: PostgreSQL's own default
         * (128 MB) is that of a small shared install, and a million links with their indexes (223 MB) did not fit in
         * it, so both sides measured reads from the kernel's page cache instead of the statements.
         * {@code --postgres shared_buffers=128MB} measures the default again.
         */
        private static final Map<String, String> POSTGRES_DEFAULTS = Map.of("shared_buffers", "1GB");

        static Options parse(String[] args) {
            Map<String, String> given = Benches.options(args);
            return new Options(
                    Integer.parseInt(given.getOrDefault("links", "100000")),
                    Integer.parseInt(given.getOrDefault("clients", "32")),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("seconds", "20"))),
                    Integer.parseInt(given.getOrDefault("rounds", "3")),
                    Double.parseDouble(given.getOrDefault("rate-fraction", "0.5")),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("warmup", "60"))),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("warmup-step", "15"))),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("max-warmup", "420"))),
                    Path.of(given.getOrDefault("dir", "target/bench")).toAbsolutePath(),
                    Path.of(given.getOrDefault("services", "local-stack/target/services"))
                            .toAbsolutePath(),
                    jfrSettings(given.getOrDefault("profile", "false")),
                    postgresSettings(given.getOrDefault("postgres", "")),
                    Integer.parseInt(given.getOrDefault("replicas", "0")),
                    choice(KeyChoice.class, "keys", given.getOrDefault("keys", "uniform")),
                    choice(Route.class, "route", given.getOrDefault("route", "links")),
                    Integer.parseInt(given.getOrDefault("pod-cpus", "0")),
                    Double.parseDouble(given.getOrDefault("pod-cpu-limit", "0")),
                    List.of(args));
        }

        /** Whether the redirector is recorded with JFR in round 1 ({@code --profile}). */
        boolean profiled() {
            return !profile.equals("false");
        }

        /**
         * The JFR settings {@code --profile} names: {@code true} is JDK's {@code profile}, or {@code default}, or a
         * {@code .jfc} file's path ({@code bench/java-samples.jfc}: only Java samples, every 2 ms, enough for one
         * thread's methods).
         */
        private static String jfrSettings(String given) {
            return switch (given) {
                case "true" -> "profile";
                case "false", "profile", "default" -> given;
                default -> {
                    if (!given.endsWith(".jfc")) {
                        throw new IllegalArgumentException(
                                "--profile takes false|true|default|profile|<settings>.jfc; got " + given);
                    }
                    yield Path.of(given).toAbsolutePath().toString();
                }
            };
        }

        /** The constant an option names in lower case ({@code --keys hot}). */
        private static <E extends Enum<E>> E choice(Class<E> type, String option, String name) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(name)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("--" + option + " takes "
                    + Stream.of(type.getEnumConstants())
                            .map(constant -> constant.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining("|"))
                    + "; got " + name);
        }

        private static Map<String, String> postgresSettings(String given) {
            Map<String, String> settings = new LinkedHashMap<>(POSTGRES_DEFAULTS);
            for (String setting : given.split(",", -1)) {
                if (setting.isBlank()) {
                    continue;
                }
                int equals = setting.indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException("--postgres takes name=value,name=value; got " + setting);
                }
                settings.put(
                        setting.substring(0, equals).strip(),
                        setting.substring(equals + 1).strip());
            }
            return settings;
        }
    }

    /**
     * How each request picks its link among bench-1 .. bench-N, in wrk ({@code redeem.lua}) and in pgbench alike.
     * {@code hot}: always bench-1, a link gone viral. {@code zipf}: bench-k with a probability proportional to
     * 1/k^1.1 (pgbench's {@code random_zipfian}), a few hot links among many cold ones.
     */
    enum KeyChoice {
        UNIFORM("\\set n random(1, :links)"),
        HOT("\\set n 1"),
        ZIPF("\\set n random_zipfian(1, :links, 1.1)");

        private final String pgbenchChoice;

        KeyChoice(String pgbenchChoice) {
            this.pgbenchChoice = pgbenchChoice;
        }

        String pgbenchChoice() {
            return pgbenchChoice;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Which public GET the HTTP runs redeem: links ({@code /api/v2/shareable_links/bench-k}, the batched grant
     * statement) or share tokens ({@code /share/bench-k.bin}, one statement per download that reads the token's row
     * and appends its ShareTokenDownloaded, writing no row of the token). {@code misses} is the control: GETs of a
     * link key too long to exist, which the redirector refuses from memory (404, then 429 once the client has missed
     * too often), on the same route layer and event loops as a redeem, with no database, presigning or grant.
     */
    enum Route {
        LINKS(LINK_URI, "302", "link"),
        TOKENS("/share/\\*\\*", "302", "share-token"),
        MISSES(LINK_URI, "404|429", "link");

        private final Pattern served;
        private final Pattern statements;
        private final Pattern batched;

        Route(String uriTag, String statuses, String routeTag) {
            // the route's expected answers, as sent: a visitor who hung up before the answer is not timed
            this.served = Pattern.compile("http_server_requests_seconds_count\\{[^}]*status=\"(?:" + statuses
                    + ")\"[^}]*uri=\"" + uriTag + "\"[^}]*} ([0-9.E]+)");
            this.statements = batchSize("count", routeTag);
            this.batched = batchSize("sum", routeTag);
        }

        private static Pattern batchSize(String part, String routeTag) {
            return Pattern.compile(
                    "sharelinks_redeem_batch_size_" + part + "\\{[^}]*route=\"" + routeTag + "\"[^}]*} ([0-9.E]+)");
        }

        /** The series counting the answers this route's runs expect, one series per status. */
        Pattern served() {
            return served;
        }

        /** The route's grant statements. */
        Pattern statements() {
            return statements;
        }

        /** The GETs the route's grant statements carried. */
        Pattern batched() {
            return batched;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
