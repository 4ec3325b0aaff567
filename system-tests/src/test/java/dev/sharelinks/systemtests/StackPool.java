package dev.sharelinks.systemtests;

import dev.sharelinks.stack.LocalStack;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The local stacks the system tests run on, at most {@link #SIZE} of them started for the classes that share one. A
 * class takes a free stack for all its tests and gives it back when they are done, so no two classes use a stack at
 * the same time. The classes that {@link LoadsTheMachine} take a stack one at a time, and before any class that does
 * not, which fills the other stack meanwhile. Each stack starts on free ports in {@code target/stack-<n>}, with
 * every service's log in {@code logs/}, kept after the run. JUnit closes the pool, and every stack in it, when the
 * test run ends.
 */
final class StackPool implements AutoCloseable {

    /** As many stacks as classes run at the same time ({@code junit-platform.properties}). */
    static final int SIZE = 2;

    private final List<LocalStack> stacks = new ArrayList<>();
    private final Deque<LocalStack> free = new ArrayDeque<>();
    private int starting;
    private int startedEver;
    /** Classes that load the machine holding a stack (one at most), and waiting for one. */
    private int loading;

    private int loadWaiting;

    /** A stack no other class is using: a free one, else a new one while there are fewer than {@link #SIZE}. */
    LocalStack take(boolean loadsTheMachine) throws InterruptedException {
        synchronized (this) {
            if (loadsTheMachine) {
                loadWaiting++;
            }
            try {
                while (!mayTake(loadsTheMachine)) {
                    wait();
                }
            } finally {
                if (loadsTheMachine) {
                    loadWaiting--;
                }
            }
            if (loadsTheMachine) {
                loading++;
            }
            if (!free.isEmpty()) {
                return free.pop();
            }
            starting++;
        }
        try {
            return startOne();
        } catch (RuntimeException e) {
            if (loadsTheMachine) {
                synchronized (this) {
                    loading--;
                    notifyAll();
                }
            }
            throw e;
        }
    }

    private boolean mayTake(boolean loadsTheMachine) {
        boolean available = !free.isEmpty() || stacks.size() + starting < SIZE;
        if (loadsTheMachine) {
            return available && loading == 0;
        }
        // a class that loads the machine and may run goes first
        return available && (loadWaiting == 0 || loading > 0);
    }

    /**
     * A stack no class has used yet, for a test that needs topics and tables holding only what it did itself; it
     * joins the pool when given back. Started even when there are {@link #SIZE} stacks already.
     */
    LocalStack takeNew() {
        synchronized (this) {
            starting++;
        }
        return startOne();
    }

    /** Gives back a stack {@link #take} or {@link #takeNew} returned, left as it was found. */
    synchronized void giveBack(LocalStack stack, boolean loadsTheMachine) {
        if (loadsTheMachine) {
            loading--;
        }
        free.push(stack);
        notifyAll();
    }

    private LocalStack startOne() {
        int number;
        synchronized (this) {
            number = ++startedEver;
        }
        try {
            LocalStack stack = TestStacks.start(Path.of("target", "stack-" + number));
            synchronized (this) {
                stacks.add(stack);
            }
            return stack;
        } finally {
            synchronized (this) {
                starting--;
                // a start that failed leaves room for another
                notifyAll();
            }
        }
    }

    /** Stops every stack, side by side. */
    @Override
    public synchronized void close() {
        CompletableFuture.allOf(stacks.stream()
                        .map(stack -> CompletableFuture.runAsync(stack::close))
                        .toArray(CompletableFuture[]::new))
                .join();
        stacks.clear();
        free.clear();
    }
}
