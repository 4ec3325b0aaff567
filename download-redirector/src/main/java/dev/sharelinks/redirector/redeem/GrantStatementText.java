package dev.sharelinks.redirector.redeem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A grant statement's text as JDBC takes it. The statement files number their parameters as PostgreSQL does
 * ({@code $1}), which documents them and lets the benchmark's pgbench run the same file; JDBC's are {@code ?}, bound
 * in the order they appear, so the text keeps which parameter each one is.
 *
 * @param sql the statement with a {@code ?} for each {@code $n}
 * @param parameters for each {@code ?} in order, its {@code n}
 */
record GrantStatementText(String sql, List<Integer> parameters) {

    private static final Pattern NUMBERED = Pattern.compile("\\$(\\d+)");

    static GrantStatementText of(String statement) {
        Matcher parameter = NUMBERED.matcher(statement);
        List<Integer> numbers = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        while (parameter.find()) {
            numbers.add(Integer.valueOf(parameter.group(1)));
            parameter.appendReplacement(text, "?");
        }
        parameter.appendTail(text);
        return new GrantStatementText(text.toString(), List.copyOf(numbers));
    }

    /** The statement prepared on {@code connection} with {@code values}, {@code $n} bound to {@code values[n - 1]}. */
    PreparedStatement prepare(Connection connection, Object... values) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, values[parameters.get(i) - 1]);
            }
            return statement;
        } catch (SQLException | RuntimeException failure) {
            statement.close();
            throw failure;
        }
    }
}
