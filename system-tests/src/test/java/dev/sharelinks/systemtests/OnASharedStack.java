package dev.sharelinks.systemtests;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class on one of the {@link StackPool}'s stacks, which it has to itself while it runs ({@link SharedStacks}):
 * it restarts, freezes and kills the stack's parts. Two such classes can run at the same time, each on a stack.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SharedStacks.class)
@interface OnASharedStack {}
