package dev.sharelinks.systemtests;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class on one of the {@link SharedStacks}, which it has to itself for its run, as it restarts, freezes and
 * kills the stack's parts and loads it; another class runs beside it on the other stack.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SharedStacks.class)
@interface OnTheSharedStack {}
