/**
 * Real servers for tests and the local stack, started without Docker: a KRaft Kafka broker (a child JVM from the
 * Maven Central {@code kafka_2.13} jars, or a Testcontainers container where a Docker engine is reachable), a
 * throwaway PostgreSQL cluster from the machine's PostgreSQL binaries, S3Proxy (which verifies SigV4 signatures)
 * and SubEthaSMTP (SMTP).
 */
@NullMarked
package dev.sharelinks.infra;

import org.jspecify.annotations.NullMarked;
