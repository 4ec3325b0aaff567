package dev.sharelinks.systemtests;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class {@link OnASharedStack} that keeps the machine's cores busy (hundreds of requests a second, more service
 * instances) and checks bounds that another such class beside it would stretch on 2 cores: the {@link StackPool}
 * gives these classes a stack one at a time, each beside at most a class that does not load the machine.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@interface LoadsTheMachine {}
