package dev.sharelinks.systemtests;

import dev.sharelinks.stack.LocalStack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The system tests' local stacks, shared by their test classes, each of which leaves the stack it had as it found it:
 * it works with links, shares, tokens and recipients of its own, looks only at its own on the topics and the SMTP
 * server, restarts what it kills, thaws what it freezes, and stops the instances it adds (more redirectors, a
 * rebuilding one). A class takes a stack for its run and gives it back after its {@code @AfterAll} methods, so each
 * stack serves one class at a time; there are two, started when first asked for, so that two classes run at once
 * (JUnit's parallelism, {@code junit-platform.properties}): a stack takes about half a minute to start on a 2-core
 * machine, and one class's waits (a restart, a rebalance) leave the cores to the other. A class that needs topics
 * holding nothing but its own history asks for a {@link Fresh} stack, one no class has used. The stacks stop when the
 * test run ends (JUnit closes what its root store holds).
 * <p>
 * A test class takes its stack as a parameter of its {@code @BeforeAll} method, with {@link OnTheSharedStack}.
 */
final class SharedStacks implements ParameterResolver, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedStacks.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public LocalStack resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LocalStack stack = context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(Pool.class, key -> new Pool(), Pool.class)
                .take(parameter.isAnnotated(Fresh.class));
        context.getStore(NAMESPACE).put(LocalStack.class, stack);
        return stack;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LocalStack stack = context.getStore(NAMESPACE).remove(LocalStack.class, LocalStack.class);
        if (stack != null) {
            context.getRoot().getStore(NAMESPACE).get(Pool.class, Pool.class).giveBack(stack);
        }
    }

    /** The stacks, and which of them are free and which some class has used. */
    private static final class Pool implements AutoCloseable {

        private static final int STACKS = 2;

        private final List<LocalStack> started = new ArrayList<>();
        private final List<LocalStack> free = new ArrayList<>();
        private final Set<LocalStack> used = new HashSet<>();
        private int starting;

        /**
         * A free stack, or a new one while there are fewer than two; with {@code fresh}, one no class has used, new
         * if none is free. Waits for one to be given back otherwise.
         */
        LocalStack take(boolean fresh) {
            int number;
            synchronized (this) {
                while (true) {
                    Optional<LocalStack> suitable = free.stream()
                            .filter(stack -> !fresh || !used.contains(stack))
                            .findFirst();
                    if (suitable.isPresent()) {
                        free.remove(suitable.get());
                        used.add(suitable.get());
                        return suitable.get();
                    }
                    if (fresh || started.size() + starting < STACKS) {
                        starting++;
                        number = started.size() + starting;
                        break;
                    }
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for a shared stack", e);
                    }
                }
            }
            // started outside the lock: the other class's stack may be given back meanwhile
            LocalStack stack = null;
            try {
                // kept after the run, with every service's log in logs/; the next run starts afresh in it
                stack = TestStacks.start(Path.of("target", "shared-stack-" + number));
                return stack;
            } finally {
                synchronized (this) {
                    starting--;
                    if (stack != null) {
                        started.add(stack);
                        used.add(stack);
                    }
                    notifyAll();
                }
            }
        }

        synchronized void giveBack(LocalStack stack) {
            free.add(stack);
            notifyAll();
        }

        @Override
        public synchronized void close() {
            for (LocalStack stack : started) {
                stack.close();
            }
        }
    }
}
