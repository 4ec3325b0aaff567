package dev.sharelinks.systemtests;

import dev.sharelinks.stack.LocalStack;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands a test class a stack of the {@link StackPool} as the {@link LocalStack} parameter of its {@code @BeforeAll}
 * method, and gives it back once the class is done; or the pool itself, as a {@link StackPool} parameter. Each class
 * leaves its stack as it found it: it works with links, shares, tokens and recipients of its own, looks only at its
 * own records on the topics and the SMTP server, restarts what it kills, thaws what it freezes, and stops the
 * instances it adds (more redirectors, a rebuilding one).
 */
final class SharedStacks implements ParameterResolver, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedStacks.class);

    /** The class's stack in its own store: not itself, as JUnit would close it with the class. */
    private record Taken(LocalStack stack, boolean loadsTheMachine) {}

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LocalStack.class || type == StackPool.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        StackPool pool = pool(context);
        if (parameter.getParameter().getType() == StackPool.class) {
            return pool;
        }
        boolean loadsTheMachine = context.getRequiredTestClass().isAnnotationPresent(LoadsTheMachine.class);
        try {
            LocalStack stack = pool.take(loadsTheMachine);
            context.getStore(NAMESPACE).put(Taken.class, new Taken(stack, loadsTheMachine));
            return stack;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a free stack", e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Taken taken = context.getStore(NAMESPACE).remove(Taken.class, Taken.class);
        if (taken != null) {
            pool(context).giveBack(taken.stack(), taken.loadsTheMachine());
        }
    }

    private static StackPool pool(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(StackPool.class, type -> new StackPool(), StackPool.class);
    }
}
