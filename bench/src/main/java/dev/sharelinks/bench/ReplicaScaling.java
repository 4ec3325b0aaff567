package dev.sharelinks.bench;

import dev.sharelinks.bench.RedeemBench.Measurement;
import dev.sharelinks.bench.RedeemBench.Metrics;
import dev.sharelinks.bench.RedeemBench.Options;
import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.stack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The redeem benchmark's scaling mode ({@code --replicas N}): N redirectors sharing the one database, as replicas
 * behind a load balancer that spreads requests evenly. In each round, side by side, pgbench running the naive
 * statement (the baseline), one replica alone with all the connections, and all N together with an equal share of
 * them each, every one with the key distribution of {@code --keys}. It reports per-replica and total redeems/s, p99,
 * the ratio of N replicas to one, whether the downloads the links gave equal the grants the replicas counted
 * ({@code --route tokens}: share tokens' URLs instead, and whether every 302 is on the record), and the redirectors'
 * CPU per redeem by kind of thread ({@link ThreadCpu}). {@code --route misses} is the control: keys that cannot
 * exist, refused from memory, so its ratio is what N redirector JVMs on the machine give against one with no
 * database, presigning or grant behind the answer; a "redeem" in its report is such a refusal. With
 * {@code --pod-cpus C} the N replicas are N more instances whose JVMs are sized as pods with a limit of C CPUs each,
 * against the one replica sized to the whole machine, as an operator compares one large pod with N small ones. With
 * {@code --pod-cpu-limit L} every replica measured, the one alone too, is such an instance held to L CPUs by the
 * kernel ({@link CpuLimits}) once warmed up, as the autoscaler adds pods of one size: whether a link grows with
 * replicas that each have CPU of their own, as on a cluster, where N replicas on these 2 cores share what one already
 * fills.
 */
final class ReplicaScaling implements AutoCloseable {

    private static final String THE_REST = "the rest";
    private static final String ALL_KINDS = "**all**";

    private final RedeemBench bench;
    private final Options options;
    private final LocalStack stack;
    // every redirector of the run, the one measured alone first
    private final List<String> names = new ArrayList<>();
    private final List<String> urls = new ArrayList<>();
    // the redirectors measured together: all of them, or with --pod-cpus the ones sized as pods
    private final List<String> replicaNames = new ArrayList<>();
    private final List<String> replicaUrls = new ArrayList<>();
    // the redirectors that take the warm-up's step alone in turn; the first is the one measured alone
    private final List<String> aloneNames;
    private final List<String> aloneUrls;
    // the CPUs each instance started as a pod is sized to: --pod-cpus, or --pod-cpu-limit rounded up; 0 for none
    private final int podCpus;
    // with --pod-cpu-limit, each pod's group; and the periods the limit stopped the run's replicas, by run
    private final @Nullable CpuLimits cpuLimits;
    private final Map<String, Throttling> throttling = new LinkedHashMap<>();
    // every redirector's CPU by kind of thread, and PostgreSQL's by connection, for each measured run by name
    private final Map<String, CpuUse> threadUse = new LinkedHashMap<>();
    private final Map<String, CpuUse> postgresUse = new LinkedHashMap<>();

    ReplicaScaling(RedeemBench bench, Options options, LocalStack stack) throws Exception {
        this.bench = bench;
        this.options = options;
        this.stack = stack;
        names.add("download-redirector");
        urls.add(stack.env().get("REDIRECT_URL"));
        double cpuLimit = options.podCpuLimit();
        podCpus = cpuLimit > 0 ? (int) Math.ceil(cpuLimit) : options.podCpus();
        if (podCpus == 0) {
            replicaNames.add(names.get(0));
            replicaUrls.add(urls.get(0));
        }
        // a pod's JVM sizes its threads to the CPUs its limit gives it, and so do the event loops here
        Map<String, String> asPod = podCpus == 0
                ? Map.of()
                : Map.of(
                        "JAVA_TOOL_OPTIONS",
                        "-XX:ActiveProcessorCount=" + podCpus + " -Dreactor.netty.ioWorkerCount=" + podCpus);
        cpuLimits = cpuLimit > 0 ? CpuLimits.create(cpuLimit) : null;
        try {
            for (int replica = podCpus == 0 ? 2 : 1; replica <= options.replicas(); replica++) {
                String name = (podCpus == 0 ? "download-redirector-" : "download-redirector-pod-") + replica;
                System.out.println("starting " + name + " ...");
                String url = stack.startAnother("download-redirector", name, FreePorts.next(), asPod);
                names.add(name);
                urls.add(url);
                replicaNames.add(name);
                replicaUrls.add(url);
            }
        } catch (Exception | Error failure) {
            close();
            throw failure;
        }
        // every replica alike takes the step alone in turn; with --pod-cpus only the one sized to the machine is
        // measured alone, and so only it takes the step
        boolean podsAgainstTheMachine = podCpus > 0 && cpuLimits == null;
        aloneNames = cpuLimits != null ? replicaNames : podsAgainstTheMachine ? names.subList(0, 1) : names;
        aloneUrls = cpuLimits != null ? replicaUrls : podsAgainstTheMachine ? urls.subList(0, 1) : urls;
    }

    /** Removes the replicas' CPU limits, if any: the stack stops them. */
    @Override
    public void close() {
        if (cpuLimits != null) {
            cpuLimits.close();
        }
    }

    String run() throws Exception {
        bench.seed();
        if (options.route() == RedeemBench.Route.TOKENS) {
            bench.seedTokens();
        }
        if (options.profiled()) {
            for (String redirector : names) {
                bench.startRecording(redirector, "warm-up");
            }
        }
        List<WarmUpStep> warmUp = warmUp();
        Map<String, Double> compiledAfterWarmUp = compileSecondsByRedirector();
        // held to the limit only once warmed: under it their JIT compilers would not settle within the warm-up, and
        // the rounds would measure compilation, not the steady state of a pod that has run for a while
        if (cpuLimits != null) {
            for (String replica : replicaNames) {
                cpuLimits.limit(replica, stack.pid(replica));
            }
        }
        List<Round> rounds = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            Measurement naive = bench.pgbench("naive-" + round, RedeemBench.resource("bench/naive-grant.pgbench"), 0);
            boolean profiled = round == 1 && options.profiled();
            List<Measurement> one =
                    measured("one-replica-" + round, aloneNames.subList(0, 1), aloneUrls.subList(0, 1), profiled);
            List<Measurement> all =
                    measured(options.replicas() + "-replicas-" + round, replicaNames, replicaUrls, profiled);
            rounds.add(new Round(naive, one.get(0), all));
        }
        return report(warmUp, compiledAfterWarmUp, rounds);
    }

    /**
     * Steps of the two loads a round measures, in turn: one replica alone, then the replicas together, until
     * every redirector's JIT compilers are quiet through both (below 2% of the pair's time, summed over the
     * redirectors), for at least {@code --warmup} and at most {@code --max-warmup}. Each load has run before the
     * rounds measure it, not only the replicas together, and each pair is one more reading of the ratio, a minute
     * apart at most. The replicas take the step alone in turn, so that each JVM has served as many GETs as the
     * others when the rounds start: a replica that only ever served its share of the load together was still
     * compiling its hot path in the rounds. With {@code --pod-cpus} the step alone is always the one sized to the
     * machine, the only one measured alone. Each pair's redeems/s: the one alone, then the replicas' total.
     */
    private List<WarmUpStep> warmUp() throws Exception {
        List<WarmUpStep> steps = new ArrayList<>();
        Duration spent = Duration.ZERO;
        double compiled = compileSeconds();
        while (spent.compareTo(options.maxWarmup()) < 0) {
            int turn = steps.size() % aloneUrls.size();
            double alone = total(bench.wrk(
                    "warm-up-one",
                    aloneUrls.subList(turn, turn + 1),
                    options.clients(),
                    options.warmupStep(),
                    0,
                    names));
            double together = total(bench.wrk(
                    "warm-up-" + replicaUrls.size(),
                    replicaUrls,
                    options.clients() / replicaUrls.size(),
                    options.warmupStep(),
                    0,
                    names));
            steps.add(new WarmUpStep(alone, together));
            double nowCompiled = compileSeconds();
            Duration pair = options.warmupStep().multipliedBy(2);
            boolean compilersQuiet = nowCompiled - compiled < 0.02 * pair.toSeconds();
            compiled = nowCompiled;
            spent = spent.plus(pair);
            if (spent.compareTo(options.warmup()) >= 0 && compilersQuiet) {
                break;
            }
        }
        return steps;
    }

    /** The runs' redeems/s together. */
    private static double total(List<Measurement> runs) {
        return runs.stream().mapToDouble(Measurement::perSecond).sum();
    }

    /** One pair of warm-up steps, redeems/s: the one replica alone, then the replicas together. */
    private record WarmUpStep(double alone, double together) {

        @Override
        public String toString() {
            return String.format("%.0f / %.0f", alone, together);
        }
    }

    private double compileSeconds() throws Exception {
        return compileSecondsByRedirector().values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
    }

    /** Each redirector's JIT compile time so far, in seconds. */
    private Map<String, Double> compileSecondsByRedirector() throws Exception {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String name : names) {
            seconds.put(name, Benches.compileSeconds(stack.pid(name)));
        }
        return seconds;
    }

    /**
     * These replicas at once, the connections shared among them; reconciled as one run. With {@code profiled},
     * each replica's recording of the run is written to {@code <name>-<replica>.jfr}.
     */
    private List<Measurement> measured(String name, List<String> replicas, List<String> targets, boolean profiled)
            throws Exception {
        bench.settle();
        long recordedBefore = bench.downloadsRecorded();
        Metrics before = metrics(targets);
        List<Long> pids = new ArrayList<>();
        for (String redirector : names) {
            pids.add(stack.pid(redirector));
        }
        if (profiled) {
            for (String replica : replicas) {
                bench.startRecording(replica, name);
            }
        }
        PostgresServer postgres = Benches.postgres(stack);
        Map<Long, ThreadCpu.Sample> postgresBefore = PostgresCpu.ticks(postgres);
        Map<Long, ThreadCpu.Sample> ticksBefore = ThreadCpu.ticks(pids);
        long throttledBefore = throttledPeriods(replicas);
        long started = System.nanoTime();
        List<Measurement> runs =
                bench.wrk(name, targets, options.clients() / targets.size(), options.duration(), 0, replicas);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (cpuLimits != null) {
            throttling.put(
                    name,
                    new Throttling(
                            throttledPeriods(replicas) - throttledBefore,
                            Math.round(seconds * 1e9 / CpuLimits.PERIOD.toNanos()) * replicas.size()));
        }
        double perSecond = total(runs);
        threadUse.put(name, new CpuUse(ThreadCpu.cores(ticksBefore, ThreadCpu.ticks(pids), seconds), perSecond));
        postgresUse.put(
                name, new CpuUse(ThreadCpu.cores(postgresBefore, PostgresCpu.ticks(postgres), seconds), perSecond));
        if (profiled) {
            for (String replica : replicas) {
                bench.saveRecording(replica, name, name + "-" + replica + ".jfr");
            }
        }
        // what was in flight when wrk stopped is still answered; let it settle before counting
        Thread.sleep(2_000);
        Metrics after = metrics(targets);
        Metrics counted = after.minus(before);
        List<Measurement> reconciled = new ArrayList<>(runs);
        // the run's recorded downloads and grants are carried by its first measurement, so that they count once
        reconciled.set(0, runs.get(0).reconciled(bench.downloadsRecorded() - recordedBefore, counted));
        return reconciled;
    }

    /** The periods the CPU limit stopped these replicas in, summed; none without a limit. */
    private long throttledPeriods(List<String> replicas) throws Exception {
        long periods = 0;
        for (String replica : replicas) {
            periods += cpuLimits == null ? 0 : cpuLimits.throttledPeriods(replica);
        }
        return periods;
    }

    /** The redirectors' counts, summed. */
    private Metrics metrics(List<String> targets) throws Exception {
        Metrics sum = Metrics.NONE;
        for (String url : targets) {
            sum = sum.plus(bench.metrics(url));
        }
        return sum;
    }

    private String report(List<WarmUpStep> warmUp, Map<String, Double> compiledAfterWarmUp, List<Round> rounds)
            throws Exception {
        Map<String, Double> compiledAfterRounds = compileSecondsByRedirector();
        int replicas = options.replicas();
        StringBuilder out =
                Benches.reportHeader("Redeem benchmark, " + replicas + " replicas", "bench/redeem", options.args());
        out.append("Keys: ")
                .append(options.keys())
                .append(" over ")
                .append(options.links())
                .append(' ')
                .append(options.route())
                .append(
                        options.route() == RedeemBench.Route.MISSES
                                ? " (the control: every GET a key that cannot exist, refused from memory; each"
                                        + " \"redeem\" below is such a refusal)"
                                : "")
                .append("; concurrency ")
                .append(options.clients())
                .append(" (pgbench clients; wrk connections, shared equally among the replicas that run), ")
                .append(options.duration().toSeconds())
                .append(" s each; warm-up in ")
                .append(options.warmupStep().toSeconds())
                .append(" s steps, a replica alone (each in turn) then the replicas together, each pair's redeems/s: ")
                .append(warmUp)
                .append("  \nJIT compile seconds by redirector, after the warm-up → after the rounds (what a JVM"
                        + " still compiled while the rounds ran): ")
                .append(names.stream()
                        .map(name -> String.format(
                                "%s %.1f → %.1f", name, compiledAfterWarmUp.get(name), compiledAfterRounds.get(name)))
                        .toList())
                .append(podsLine(replicas))
                .append("  \nPostgreSQL settings: ")
                .append(options.postgresSettings())
                .append("\n\n");
        out.append("| run | redeems/s | p50 ms | p99 ms | p99.9 ms | CPU cores: postgres / redirectors / load / "
                + "other services / rest | PSS MB: postgres / redirectors |\n|---|---:|---:|---:|---:|---|---|\n");
        List<Double> scaling = new ArrayList<>();
        List<Double> againstNaive = new ArrayList<>();
        long recorded = 0;
        long grants = 0;
        long served = 0;
        long received = 0;
        List<String> getsPerStatement = new ArrayList<>();
        for (Round round : rounds) {
            out.append(round.naive().row())
                    .append('\n')
                    .append(round.one().row())
                    .append('\n');
            double total = 0;
            long worstP99 = 0;
            for (Measurement replica : round.all()) {
                out.append(replica.row()).append('\n');
                total += replica.perSecond();
                worstP99 = Math.max(worstP99, replica.p99());
            }
            out.append(String.format(
                    "| **%d replicas, total** | **%.0f** | | %.2f (worst) | | | |%n",
                    replicas, total, worstP99 / 1000.0));
            // a run's counts are carried by its first measurement
            getsPerStatement.add(String.format(
                    "%.1f / %.1f",
                    round.one().counted().getsPerStatement(),
                    round.all().get(0).counted().getsPerStatement()));
            scaling.add(total / round.one().perSecond());
            againstNaive.add(total / round.naive().perSecond());
            for (Measurement run : concat(round.one(), round.all())) {
                recorded += run.recorded();
                grants += Math.round(run.counted().grants());
                served += Math.round(run.counted().served());
                received += run.served();
            }
        }
        out.append("\nRatio ")
                .append(replicas)
                .append(" replicas together / one replica alone, round by round: ")
                .append(ratios(scaling))
                .append("; median **")
                .append(String.format("%.2fx", RedeemBench.median(scaling)))
                .append("**  \n");
        out.append("Ratio ")
                .append(replicas)
                .append(" replicas together / pgbench naive statement: ")
                .append(ratios(againstNaive))
                .append("; median **")
                .append(String.format("%.2fx", RedeemBench.median(againstNaive)))
                .append("**  \n");
        out.append("Exactness, over every measured HTTP run: ");
        switch (options.route()) {
            case LINKS ->
                out.append(recorded)
                        .append(" downloads given by the links (decrements, less what leases hold unused), ")
                        .append(grants)
                        .append(" grants counted by the replicas: ")
                        .append(recorded == grants ? "**equal**" : "**DIFFERENT**")
                        .append(". ")
                        .append(served)
                        .append(" answered 302 (");
            // a share token has no count to spend: exact is every 302 on the record; a grant whose visitor hung up
            // (wrk's connections in flight when it stops) is recorded without a 302 answered
            case TOKENS ->
                out.append(recorded)
                        .append(" ShareTokenDownloaded records on the downloads topic: ")
                        .append(
                                recorded >= served
                                        ? "**every 302 recorded** (" + (recorded - served)
                                                + " more, for requests cut short when wrk stopped). "
                                        : "**" + (served - recorded) + " 302s NOT RECORDED**. ")
                        .append(served)
                        .append(" answered 302 (");
            // the control grants nothing: any download given or grant counted is a miss that spent one
            case MISSES ->
                out.append(recorded)
                        .append(" downloads given by the links, ")
                        .append(grants)
                        .append(" grants counted by the replicas: ")
                        .append(recorded == 0 && grants == 0 ? "**none, as expected**" : "**NOT NONE**")
                        .append(". ")
                        .append(served)
                        .append(" answered 404 or 429 (");
        }
        out.append(received).append(" received by wrk before it stopped)  \n");
        out.append("GETs per grant statement, one replica / ")
                .append(replicas)
                .append(" together, round by round: ")
                .append(getsPerStatement)
                .append('\n');
        return out.append(cpuTable(
                        "Redirectors' CPU by thread, µs per redeem, of which in the kernel in brackets (every redirector"
                                + " JVM, from /proc)",
                        "thread",
                        threadUse))
                .append(cpuTable(
                        "PostgreSQL's CPU by connection (`application_name`, or the server's own process), µs per"
                                + " redeem, of which in the kernel in brackets (from /proc)",
                        "connection",
                        postgresUse))
                .toString();
    }

    private String podsLine(int replicas) {
        if (cpuLimits != null) {
            return "  \nEvery replica measured, the one alone too, is a pod of its own held to "
                    + options.podCpuLimit() + " CPU by the kernel's CFS quota from the end of the warm-up (a cgroup"
                    + " each, as a Kubernetes limit sets it; -XX:ActiveProcessorCount and event loops "
                    + podCpus + "); the stack's own redirector idles. Periods of "
                    + CpuLimits.PERIOD.toMillis() + " ms in which the limit stopped a replica, by run: " + throttling;
        }
        return podCpus == 0
                ? ""
                : "  \nThe " + replicas + " replicas are more instances sized as pods with a limit of "
                        + podCpus + " CPU each (-XX:ActiveProcessorCount, as many event loops); the one"
                        + " replica alone sees every core";
    }

    /**
     * CPU by kind (a redirector's threads, PostgreSQL's connections), in µs per redeem served, for each measured run:
     * the kinds that used the most, and the rest summed.
     */
    private static String cpuTable(String title, String kindColumn, Map<String, CpuUse> use) {
        Map<String, Double> overall = new HashMap<>();
        use.values()
                .forEach(run -> run.cores().forEach((kind, cores) -> overall.merge(kind, cores.total(), Double::sum)));
        List<String> top = overall.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(8)
                .map(Map.Entry::getKey)
                .toList();
        StringBuilder table = new StringBuilder("\n" + title + ":\n\n| " + kindColumn + " |");
        use.keySet().forEach(run -> table.append(' ').append(run).append(" |"));
        table.append("\n|---|").append("---:|".repeat(use.size())).append('\n');
        List<String> rows = new ArrayList<>(top);
        rows.add(THE_REST);
        rows.add(ALL_KINDS);
        for (String kind : rows) {
            table.append("| ").append(kind).append(" |");
            use.values().forEach(run -> {
                ThreadCpu.Cores cores = cores(run, kind, top);
                table.append(String.format(
                        " %.1f (%.1f) |",
                        cores.total() / run.perSecond() * 1e6, cores.kernel() / run.perSecond() * 1e6));
            });
            table.append('\n');
        }
        return table.toString();
    }

    /** The cores a run's threads of this kind used; of every kind not in {@code top}, or of all, for those rows. */
    private static ThreadCpu.Cores cores(CpuUse run, String kind, List<String> top) {
        ThreadCpu.Cores none = new ThreadCpu.Cores(0, 0);
        return switch (kind) {
            case THE_REST ->
                run.cores().entrySet().stream()
                        .filter(entry -> !top.contains(entry.getKey()))
                        .map(Map.Entry::getValue)
                        .reduce(none, ThreadCpu.Cores::plus);
            case ALL_KINDS -> run.cores().values().stream().reduce(none, ThreadCpu.Cores::plus);
            default -> run.cores().getOrDefault(kind, none);
        };
    }

    private static List<Measurement> concat(Measurement first, List<Measurement> rest) {
        List<Measurement> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static List<String> ratios(List<Double> ratios) {
        return ratios.stream().map(ratio -> String.format("%.2fx", ratio)).toList();
    }

    /** A measured run's CPU by kind of thread, in cores, and the redeems/s it served. */
    private record CpuUse(Map<String, ThreadCpu.Cores> cores, double perSecond) {}

    /** Of a run's CPU periods, summed over its replicas, those in which the CPU limit stopped a replica. */
    private record Throttling(long throttled, long periods) {

        @Override
        public String toString() {
            return throttled + " of " + periods;
        }
    }

    /** A round: the baseline, one replica alone, and every replica together (a measurement each). */
    private record Round(Measurement naive, Measurement one, List<Measurement> all) {}
}
