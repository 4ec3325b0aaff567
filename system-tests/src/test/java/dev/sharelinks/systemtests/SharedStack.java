package dev.sharelinks.systemtests;

import dev.sharelinks.stack.LocalStack;
import java.nio.file.Path;
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
 * A test class takes it as a parameter of its {@code @BeforeAll} method, with {@link OnTheSharedStack}.
 */
final class SharedStack implements ParameterResolver {

    /** The lock that keeps the classes on the shared stack from running at the same time. */
    static final String RESOURCE = "sharelinks.shared-stack";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedStack.class);
    /** Kept after the run, with every service's log in {@code logs/}; the next run starts afresh in it. */
    private static final Path DIR = Path.of("target", "shared-stack");

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public LocalStack resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent("stack", key -> TestStacks.start(DIR), LocalStack.class);
    }
}
