package dev.sharelinks.systemtests;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A test class on the {@link SharedStack}. Such classes run one at a time, as they restart, freeze and kill the
 * stack's parts and load it; a class with a stack of its own runs beside them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SharedStack.class)
@ResourceLock(SharedStack.RESOURCE)
@interface OnTheSharedStack {}
