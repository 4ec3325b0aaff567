package dev.sharelinks.stack;

import dev.sharelinks.infra.KafkaBroker;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.S3Server;
import dev.sharelinks.infra.SmtpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.common.GroupState;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts the whole system on this machine: PostgreSQL (a throwaway cluster unless an external one is given), a KRaft
 * Kafka broker, S3Proxy, an SMTP server (SubEthaSMTP) writing each accepted mail into {@code MAIL_DIR}, the four
 * services from their runnable jars, and demo data: for MediaPocket an account, its API key and a stored object
 * registered as an asset; for Keepeek a DAM user with READ on a media whose original and low-definition rendition are
 * stored, an administrator, and a share template with its domain. Writes everything a client needs into
 * {@code stack.env}. Every start is fresh: the previous stack's data is removed.
 */
public final class LocalStack implements AutoCloseable {

    public static final long DEMO_MEDIA_ID = 1001;
    public static final String DEMO_ASSET_ID = "demo-asset";
    public static final String DEMO_FILENAME = "sharelinks-demo.txt";
    public static final String DEMO_BUCKET = "demo-media";
    private static final String DEMO_OBJECT_KEY = "media/1001/original.txt";
    public static final long DAM_MEDIA_ID = 2001;
    public static final String DAM_HD_FILENAME = "harbour-original.txt";
    public static final String DAM_BD_FILENAME = "harbour-preview.txt";
    private static final String DAM_HD_KEY = "media/2001/original.txt";
    private static final String DAM_BD_KEY = "media/2001/bd.txt";
    private static final String S3_ACCESS_KEY = "local-access-key";
    private static final String S3_SECRET_KEY = "local-secret-key-0123456789";

    /**
     * The services' consumer session timeout here: a killed service's partitions move to the others (or to it,
     * restarted) after 10 s rather than Kafka's 45; on one machine a heartbeat is not late for longer than that.
     */
    private static final Duration CONSUMER_SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** Group states in which every partition is with a live member, or no member wants one. */
    private static final Set<GroupState> SETTLED = Set.of(GroupState.STABLE, GroupState.EMPTY, GroupState.DEAD);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private @Nullable SmtpServer smtp;
    private @Nullable PostgresServer postgres;
    private @Nullable KafkaBroker kafka;
    /**
     * The last kill, freeze or thaw: changes the consumer groups learn of only through missed (or resumed) heartbeats,
     * within a session timeout.
     */
    private @Nullable Instant lastKillOrPause;

    private LocalStack() {}

    public static void main(String[] args) throws InterruptedException {
        StackSettings settings = StackSettings.fromEnvironment(System.getenv());
        LocalStack stack = start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }));
        System.out.println(
                "Sharelinks local stack is up; settings in " + settings.dir().resolve("stack.env"));
        stopped.await();
    }

    /** Starts everything and returns once every service is ready and the demo data is in place. */
    public static LocalStack start(StackSettings settings) {
        return start(settings, Map.of());
    }

    /** As {@link #start(StackSettings)}, with server settings for the stack's own PostgreSQL (benchmarks). */
    public static LocalStack start(StackSettings settings, Map<String, String> postgresSettings) {
        LocalStack stack = new LocalStack();
        try {
            stack.startAll(settings, postgresSettings);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** The values written to {@code stack.env}. */
    public Map<String, String> env() {
        return Map.copyOf(env);
    }

    public SmtpServer smtp() {
        if (smtp == null) {
            throw new IllegalStateException("the stack has not started");
        }
        return smtp;
    }

    /** The stack's own PostgreSQL cluster; null when it runs against an external database. */
    public @Nullable PostgresServer postgres() {
        return postgres;
    }

    /** The stack's Kafka broker, to stop and start it under the services. */
    public KafkaBroker kafka() {
        if (kafka == null) {
            throw new IllegalStateException("the stack has not started");
        }
        return kafka;
    }

    /**
     * Stops a service's process where it stands (SIGSTOP), as a long pause of its JVM or node would: it answers
     * nothing and consumes nothing, but keeps its connections and group membership until {@link #thaw}.
     */
    public synchronized void freeze(String service) {
        running(service).signal("STOP");
        lastKillOrPause = Instant.now();
    }

    /** Lets a frozen service go on (SIGCONT). */
    public synchronized void thaw(String service) {
        running(service).signal("CONT");
        lastKillOrPause = Instant.now();
    }

    /** The process id of a service, to watch what it costs. */
    public long pid(String service) {
        return running(service).pid();
    }

    /** Kills a service with SIGKILL, as a crashed node would lose it; {@link #restart} brings it back. */
    public synchronized void kill(String service) {
        running(service).kill();
        lastKillOrPause = Instant.now();
    }

    /** Starts a killed service again, as Kubernetes would, and waits until it is ready. */
    public synchronized void restart(String service) {
        ServiceProcess dead = running(service);
        ServiceProcess started = dead.restarted();
        running.set(running.indexOf(dead), started);
        services.put(service, started);
        started.awaitReady(Duration.ofMinutes(3));
    }

    /**
     * Starts one more instance of a service, named {@code name} (its log is {@code logs/<name>.log}), on {@code port},
     * with the service's settings changed by {@code overrides}; it stops with the stack. Returns its URL once ready.
     * Instances started from several threads start side by side.
     */
    public String startAnother(String service, String name, int port, Map<String, String> overrides) {
        ServiceProcess another;
        synchronized (this) {
            if (services.containsKey(name)) {
                throw new IllegalArgumentException(name + " runs already");
            }
            another = running(service).another(name, port, overrides);
            running.add(another);
            services.put(name, another);
        }
        another.awaitReady(Duration.ofMinutes(3));
        return another.url();
    }

    /** Whether an instance of this name was started (and not stopped since), killed or not. */
    public synchronized boolean runs(String name) {
        return services.containsKey(name);
    }

    /** Stops an instance {@link #startAnother} started, as a scale-down would: SIGTERM, its graceful shutdown. */
    public synchronized void stopAnother(String name) {
        ServiceProcess another = running(name);
        another.close();
        running.remove(another);
        services.remove(name);
    }

    /**
     * Waits until the services' consumers are settled in their groups: no group rebalancing, and the members of a
     * killed or frozen service gone (the broker drops them once their session times out; until then the partitions
     * they hold are consumed by nobody, and a write whose event lands there waits out its read-your-writes bound).
     * A graceful stop ({@link #stopAnother}) leaves its groups at once, and a started service's consumers ask to join
     * while it starts, so neither needs more than the rebalance it set off.
     */
    public void awaitConsumersSettled(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Instant killOrPause;
        synchronized (this) {
            killOrPause = lastKillOrPause;
        }
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers()))) {
            if (killOrPause != null) {
                // a second more than the timeout: the broker checks sessions on its own clock
                Thread.sleep(Math.max(
                        0,
                        Duration.between(Instant.now(), killOrPause.plus(CONSUMER_SESSION_TIMEOUT))
                                .plusSeconds(1)
                                .toMillis()));
            }
            List<GroupListing> unsettled = unsettledGroups(admin);
            while (!unsettled.isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("consumer groups not settled after " + timeout + ": " + unsettled);
                }
                Thread.sleep(100);
                unsettled = unsettledGroups(admin);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the consumer groups", e);
        }
    }

    private static List<GroupListing> unsettledGroups(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(30, TimeUnit.SECONDS).stream()
                .filter(group -> group.groupState().filter(SETTLED::contains).isEmpty())
                .toList();
    }

    /** The actuator's URL of the instance serving at {@code instanceUrl} (a service's or {@link #startAnother}'s). */
    public synchronized String managementUrl(String instanceUrl) {
        return services.values().stream()
                .filter(service -> service.url().equals(instanceUrl))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no instance serves " + instanceUrl))
                .managementUrl();
    }

    private ServiceProcess running(String service) {
        ServiceProcess process = services.get(service);
        if (process == null) {
            throw new IllegalArgumentException("no service " + service + "; there are " + services.keySet());
        }
        return process;
    }

    private void startAll(StackSettings settings, Map<String, String> postgresSettings) {
        Path dir = settings.dir();
        Path envFile = dir.resolve("stack.env");
        deleteIfExists(envFile);
        // a new stack: the last one's data goes, and its logs, which would otherwise run on into this one's
        for (String state : List.of("pg", "kafka", "s3", "mail", "logs")) {
            deleteRecursively(dir.resolve(state));
        }
        createDirectories(dir.resolve("s3"));
        createDirectories(dir.resolve("mail"));

        String dbHostPort = settings.externalDatabase();
        if (dbHostPort == null) {
            PostgresServer cluster = PostgresServer.start(
                    dir.resolve("pg").resolve("data"), settings.postgresPort(), true, postgresSettings);
            postgres = cluster;
            running.add(cluster);
            cluster.createDatabase(settings.databaseName());
            dbHostPort = cluster.host() + ":" + cluster.port();
        }
        KafkaBroker kafka = KafkaBroker.startAnywhere(dir.resolve("kafka"), settings.kafkaPort());
        this.kafka = kafka;
        running.add(kafka);
        S3Server s3 = S3Server.start(settings.s3Port(), S3_ACCESS_KEY, S3_SECRET_KEY, dir.resolve("s3"));
        running.add(s3);
        smtp = SmtpServer.start(settings.smtpPort(), dir.resolve("mail"));
        running.add(smtp);

        String adminToken = randomToken();
        Map<String, String> common = new LinkedHashMap<>();
        common.put("DB_HOST", dbHostPort.substring(0, dbHostPort.lastIndexOf(':')));
        common.put("DB_PORT", dbHostPort.substring(dbHostPort.lastIndexOf(':') + 1));
        common.put("DB_NAME", settings.databaseName());
        common.put("DB_USER", settings.databaseUser());
        common.put("DB_PASSWORD", settings.databasePassword());
        common.put("KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        common.put(
                "SPRING_KAFKA_CONSUMER_PROPERTIES_SESSION_TIMEOUT_MS",
                String.valueOf(CONSUMER_SESSION_TIMEOUT.toMillis()));
        String redirectUrl = "http://127.0.0.1:" + settings.redirectorPort();

        Map<String, String> linkApiEnv = new LinkedHashMap<>(common);
        linkApiEnv.put("ADMIN_TOKEN", adminToken);
        linkApiEnv.put("PUBLIC_REDEEM_BASE_URL", redirectUrl);
        String linkSealingKey = sealingKey(settings.dir(), "link-sealing.key");
        linkApiEnv.put("LINK_SEALING_KEYS", linkSealingKey);
        // webhooks to a receiver on this machine (the README's walk-through); production refuses every private address
        linkApiEnv.put("WEBHOOKS_ALLOWED_PRIVATE_ADDRESSES", "loopback");
        Map<String, String> redirectorEnv = new LinkedHashMap<>(common);
        redirectorEnv.put("S3_ENDPOINT", s3.endpoint().toString());
        redirectorEnv.put("S3_PATH_STYLE", "true");
        redirectorEnv.put("S3_ACCESS_KEY_ID", S3_ACCESS_KEY);
        redirectorEnv.put("S3_SECRET_ACCESS_KEY", S3_SECRET_KEY);
        redirectorEnv.put("PUBLIC_REDEEM_BASE_URL", redirectUrl);
        // one key for every redirector of the stack (a second one started later honours the first one's receipts)
        redirectorEnv.put("VISITOR_SIGNING_KEYS", "local:" + randomKey());
        Map<String, String> tokenApiEnv = new LinkedHashMap<>(common);
        tokenApiEnv.put("ADMIN_TOKEN", adminToken);
        tokenApiEnv.put("PUBLIC_SHARE_BASE_URL", redirectUrl);
        tokenApiEnv.put("TOKEN_SEALING_KEYS", sealingKey(settings.dir(), "token-sealing.key"));
        Map<String, String> mailerEnv = new LinkedHashMap<>(common);
        mailerEnv.put("SMTP_HOST", smtp.host());
        mailerEnv.put("SMTP_PORT", String.valueOf(smtp.port()));
        // the mailer opens the links' URLs that link-api sealed into share events
        mailerEnv.put("LINK_SEALING_KEYS", linkSealingKey);

        Path logs = dir.resolve("logs");
        ServiceProcess linkApi = service("link-api", settings, settings.linkApiPort(), linkApiEnv, logs);
        ServiceProcess redirector =
                service("download-redirector", settings, settings.redirectorPort(), redirectorEnv, logs);
        ServiceProcess mailer = service("mailer-service", settings, settings.mailerPort(), mailerEnv, logs);
        ServiceProcess tokenApi = service("token-api", settings, settings.tokenApiPort(), tokenApiEnv, logs);
        for (ServiceProcess service : List.of(linkApi, redirector, mailer, tokenApi)) {
            service.awaitReady(Duration.ofMinutes(3));
        }

        byte[] demo = "Sharelinks demo object: if you can read this, the presigned download worked.\n"
                .getBytes(StandardCharsets.UTF_8);
        s3.putObject(DEMO_BUCKET, DEMO_OBJECT_KEY, demo, "text/plain");
        String apiKey = registerDemoAccount(linkApi.url(), adminToken);
        byte[] original = "Sharelinks demo media 2001, the original (HD).\n".getBytes(StandardCharsets.UTF_8);
        byte[] rendition =
                "Sharelinks demo media 2001, the low-definition rendition (BD).\n".getBytes(StandardCharsets.UTF_8);
        s3.putObject(DEMO_BUCKET, DAM_HD_KEY, original, "text/plain");
        s3.putObject(DEMO_BUCKET, DAM_BD_KEY, rendition, "text/plain");
        DemoDam dam = registerDemoDam(tokenApi.url(), adminToken);

        env.put("LINK_API_URL", linkApi.url());
        // each service's actuator (health, metrics), on a port of its own that no route reaches
        env.put("LINK_API_MANAGEMENT_URL", linkApi.managementUrl());
        env.put("REDIRECT_MANAGEMENT_URL", redirector.managementUrl());
        env.put("MAILER_MANAGEMENT_URL", mailer.managementUrl());
        env.put("TOKEN_API_MANAGEMENT_URL", tokenApi.managementUrl());
        env.put("REDIRECT_URL", redirectUrl);
        env.put("API_KEY", apiKey);
        env.put("MEDIA_ID", String.valueOf(DEMO_MEDIA_ID));
        env.put("ASSET_ID", DEMO_ASSET_ID);
        env.put("ASSET_FILENAME", DEMO_FILENAME);
        env.put("ASSET_SHA256", sha256(demo));
        env.put("TOKEN_API_URL", tokenApi.url());
        env.put("MAILER_URL", mailer.url());
        env.put("DAM_USER", dam.user());
        env.put("DAM_PASSWORD", dam.password());
        env.put("DAM_ADMIN", dam.admin());
        env.put("DAM_ADMIN_PASSWORD", dam.adminPassword());
        env.put("DAM_MEDIA_ID", String.valueOf(DAM_MEDIA_ID));
        env.put("DAM_TEMPLATE_ID", String.valueOf(dam.templateId()));
        env.put("DAM_TEMPLATE_DOMAIN_ID", String.valueOf(dam.templateDomainId()));
        env.put("DAM_HD_SHA256", sha256(original));
        env.put("DAM_BD_SHA256", sha256(rendition));
        env.put("KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("S3_ENDPOINT", s3.endpoint().toString());
        env.put("S3_BUCKET", DEMO_BUCKET);
        env.put("MAIL_DIR", dir.resolve("mail").toString());
        env.put("SMTP_PORT", String.valueOf(smtp.port()));
        env.put("DB_URL", "postgresql://" + settings.databaseUser() + "@" + dbHostPort + "/" + settings.databaseName());
        env.put("ADMIN_TOKEN", adminToken);
        env.put("LOG_DIR", logs.toString());
        StringBuilder text = new StringBuilder("# written by the Sharelinks local stack; source it in a shell\n");
        env.forEach((name, value) ->
                text.append("export ").append(name).append("='").append(value).append("'\n"));
        writeAtomically(envFile, text.toString());
    }

    private ServiceProcess service(String name, StackSettings settings, int port, Map<String, String> env, Path logs) {
        ServiceProcess service =
                ServiceProcess.start(name, settings.servicesDir().resolve(name + ".jar"), port, env, logs);
        running.add(service);
        services.put(name, service);
        return service;
    }

    /** Registers the demo account and asset through link-api's admin API, as an operator would. */
    private static String registerDemoAccount(String linkApiUrl, String adminToken) {
        JsonNode account = JSON.readTree(adminCall(
                linkApiUrl + "/admin/accounts",
                adminToken,
                "POST",
                "{\"name\": \"Demo account\", \"bucket\": \"" + DEMO_BUCKET + "\"}"));
        adminCall(
                linkApiUrl + "/admin/accounts/" + account.get("id").asLong() + "/assets/" + DEMO_MEDIA_ID,
                adminToken,
                "PUT",
                "{\"assetId\": \"" + DEMO_ASSET_ID + "\", \"objectKey\": \"" + DEMO_OBJECT_KEY + "\"}");
        return account.get("apiKey").asString();
    }

    /** The Keepeek side of the demo, registered through token-api's admin API. */
    private record DemoDam(
            String user, String password, String admin, String adminPassword, long templateId, long templateDomainId) {}

    private static DemoDam registerDemoDam(String tokenApiUrl, String adminToken) {
        adminCall(
                tokenApiUrl + "/admin/medias/" + DAM_MEDIA_ID,
                adminToken,
                "PUT",
                JSON.writeValueAsString(Map.of(
                        "title",
                        "Harbour at dawn",
                        "bucket",
                        DEMO_BUCKET,
                        "original",
                        Map.of("objectKey", DAM_HD_KEY, "filename", DAM_HD_FILENAME),
                        "lowDefinition",
                        Map.of("objectKey", DAM_BD_KEY, "filename", DAM_BD_FILENAME))));
        String password = randomToken();
        long userId = JSON.readTree(adminCall(
                        tokenApiUrl + "/admin/users",
                        adminToken,
                        "POST",
                        JSON.writeValueAsString(Map.of("login", "demo", "password", password, "administrator", false))))
                .get("id")
                .asLong();
        adminCall(
                tokenApiUrl + "/admin/users/" + userId + "/medias/" + DAM_MEDIA_ID + "/rights",
                adminToken,
                "PUT",
                "{\"rights\": [\"READ\"]}");
        String adminPassword = randomToken();
        adminCall(
                tokenApiUrl + "/admin/users",
                adminToken,
                "POST",
                JSON.writeValueAsString(Map.of("login", "admin", "password", adminPassword, "administrator", true)));
        long domainId = JSON.readTree(adminCall(
                        tokenApiUrl + "/admin/share-template-domains",
                        adminToken,
                        "POST",
                        "{\"name\": \"Demo domain\"}"))
                .get("id")
                .asLong();
        long templateId = JSON.readTree(adminCall(
                        tokenApiUrl + "/admin/share-template-domains/" + domainId + "/templates",
                        adminToken,
                        "POST",
                        "{\"name\": \"Demo template\"}"))
                .get("id")
                .asLong();
        return new DemoDam("demo", password, "admin", adminPassword, templateId, domainId);
    }

    private static String adminCall(String url, String adminToken, String method, String body) {
        try {
            // HTTP/1.1 and a timeout: the JDK client's h2c upgrade has been seen to hang against Reactor Netty
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + adminToken)
                            .header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        method + " " + url + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops the services first, side by side (each drains its work and leaves its consumer groups, which takes a
     * few seconds), then the servers they use, last started first.
     */
    @Override
    public synchronized void close() {
        List<CompletableFuture<Void>> stopping = running.stream()
                .filter(ServiceProcess.class::isInstance)
                .map(service -> CompletableFuture.runAsync(() -> stop(service)))
                .toList();
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
        running.removeIf(ServiceProcess.class::isInstance);
        for (int i = running.size() - 1; i >= 0; i--) {
            stop(running.get(i));
        }
        running.clear();
    }

    private static void stop(AutoCloseable running) {
        try {
            running.close();
        } catch (Exception e) {
            System.err.println("could not stop " + running + ": " + e);
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** 32 random bytes, base64: a signing key of the redirector's receipts and forms. */
    private static String randomKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * A sealing key (link-api's, token-api's), kept beside the stack's database: the database outlives a restart, and
     * what a lost key sealed would not open again.
     */
    private static String sealingKey(Path dir, String fileName) {
        Path file = dir.resolve(fileName);
        try {
            if (!Files.exists(file)) {
                createDirectories(dir);
                writeAtomically(file, "local:" + randomKey());
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The hex SHA-256 of {@code content}, as the stack's {@code *_SHA256} settings give its demo files. */
    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeAtomically(Path file, String content) {
        try {
            Path partial = file.resolveSibling(file.getFileName() + ".part");
            Files.writeString(partial, content);
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
