package dev.sharelinks.systemtests;

import dev.sharelinks.stack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One local stack for the system tests, each of which leaves it as it found it: it works with links, shares, tokens
 * and recipients of its own, looks only at its own on the topics and the SMTP server, restarts what it kills, thaws
 * what it freezes, and stops the instances it adds (more redirectors, a rebuilding one). The first of them to ask
 * starts it; it stops when the test run ends (JUnit closes what its root store holds). A stack takes about forty
 * seconds to start on a 2-core machine, so sharing it is most of what these tests cost. Only a test that needs topics
 * holding nothing but its own history starts its own ({@link TestStacks#start}).
 * <p>
 * Each class gets it with its services' consumers settled in their groups ({@link LocalStack#awaitConsumersSettled}):
 * after a class that killed a redirector, its partitions stay with the dead process until its session times out,
 * and the next class's first create would wait out its read-your-writes bound and answer before the link redeems.
 * <p>
 * A test class takes it as a parameter of its {@code @BeforeAll} method, with {@link OnTheSharedStack}.
 */
final class SharedStack implements ParameterResolver {

    /** The lock that keeps the classes on the shared stack from running at the same time. */
    static final String RESOURCE = "sharelinks.shared-stack";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedStack.class);
    /** Kept after the run, with every service's log in {@code logs/}; the next run starts afresh in it. */
    private static final Path DIR = Path.of("target", "shared-stack");
    /** A session timeout and a rebalance, with room to spare on a busy machine. */
    private static final Duration SETTLING_TIMEOUT = Duration.ofMinutes(1);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public LocalStack resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LocalStack stack = context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent("stack", key -> TestStacks.start(DIR), LocalStack.class);
        stack.awaitConsumersSettled(SETTLING_TIMEOUT);
        return stack;
    }
}
