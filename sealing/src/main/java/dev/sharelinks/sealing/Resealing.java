package dev.sharelinks.sealing;

import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Mono;

/**
 * Keeps a {@link SealedColumn} sealed with the {@link Sealer}'s sealing key, a batch at a time: it seals what rows
 * from before sealing still hold in the clear (and clears that), and reseals what an older key sealed, which is how
 * a key rotates. A row is rewritten only if it still holds what was read, so a concurrent write always wins. A value
 * only an unlisted key sealed is logged and left as it is: only listing that key again opens it.
 */
public final class Resealing {

    private static final Logger log = LoggerFactory.getLogger(Resealing.class);

    private final DatabaseClient db;
    private final Sealer sealer;
    private final int batch;

    public Resealing(DatabaseClient db, Sealer sealer, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("a batch of at least 1 row: " + batch);
        }
        this.db = db;
        this.sealer = sealer;
        this.batch = batch;
    }

    /** Seals up to a batch of the column's values not sealed with the sealing key; how many rows it rewrote. */
    public Mono<Long> resealBatch(SealedColumn column) {
        String rowKey = String.join(", ", column.rowKey());
        return db.sql("""
                        SELECT %s, %s AS sealed, CAST(%s AS text) AS plaintext FROM %s
                        WHERE %s IS NOT NULL OR NOT starts_with(%s, :prefix)
                        ORDER BY %s LIMIT :batch""".formatted(
                                rowKey,
                                column.sealed(),
                                column.plaintext(),
                                column.table(),
                                column.plaintext(),
                                column.sealed(),
                                rowKey))
                .bind("prefix", sealer.sealingKeyId() + ":")
                .bind("batch", batch)
                .map(row -> {
                    List<Object> key = new ArrayList<>();
                    for (String name : column.rowKey()) {
                        key.add(Objects.requireNonNull(row.get(name), name));
                    }
                    return new Row(key, row.get("sealed", String.class), row.get("plaintext", String.class));
                })
                .all()
                .concatMap(row -> reseal(column, row))
                .reduce(0L, Long::sum);
    }

    private Mono<Long> reseal(SealedColumn column, Row row) {
        String value;
        try {
            value = row.plaintext() != null ? row.plaintext() : sealer.open(Objects.requireNonNull(row.sealed()));
        } catch (IllegalArgumentException e) {
            log.error("{} {}: {}", column.table(), row.key(), e.getMessage());
            return Mono.just(0L);
        }
        String sameRow = IntStream.range(0, column.rowKey().size())
                .mapToObj(i -> column.rowKey().get(i) + " = :key" + i)
                .collect(Collectors.joining(" AND "));
        GenericExecuteSpec update = db.sql("""
                        UPDATE %s SET %s = :sealed, %s = NULL
                        WHERE %s AND %s IS NOT DISTINCT FROM :before
                          AND CAST(%s AS text) IS NOT DISTINCT FROM :plaintext""".formatted(
                                column.table(),
                                column.sealed(),
                                column.plaintext(),
                                sameRow,
                                column.sealed(),
                                column.plaintext()))
                .bind("sealed", sealer.seal(value))
                .bind("before", Parameters.in(R2dbcType.VARCHAR, row.sealed()))
                .bind("plaintext", Parameters.in(R2dbcType.VARCHAR, row.plaintext()));
        for (int i = 0; i < row.key().size(); i++) {
            update = update.bind("key" + i, row.key().get(i));
        }
        return update.fetch().rowsUpdated();
    }

    /** A row to seal: one of the two is set (a sealed column's table checks it). */
    private record Row(
            List<Object> key,
            @Nullable String sealed,
            @Nullable String plaintext) {}
}
