package dev.sharelinks.sealing;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A table column of sealed values, and the column in which rows written before sealing still hold the value in the
 * clear: what {@link Resealing} keeps sealed with the sealing key. Names are written into SQL as they are, so they
 * are checked to be plain identifiers.
 *
 * @param table the table, on the connection's search path
 * @param rowKey the columns that name one row (the primary key)
 * @param plaintext the column of the value in the clear, NULL once sealed; of any type with a text form
 * @param sealed the text column of the sealed value
 */
public record SealedColumn(String table, List<String> rowKey, String plaintext, String sealed) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    public SealedColumn {
        rowKey = List.copyOf(rowKey);
        if (rowKey.isEmpty()) {
            throw new IllegalArgumentException("a row key of at least one column");
        }
        Stream.concat(Stream.of(table, plaintext, sealed), rowKey.stream())
                .filter(name -> !IDENTIFIER.matcher(name).matches())
                .findFirst()
                .ifPresent(name -> {
                    throw new IllegalArgumentException("not a plain SQL identifier: " + name);
                });
    }
}
