package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrantStatementTextTest {

    @Test
    void numberedParametersBecomeJdbcsInTheOrderTheyAppear() {
        GrantStatementText text = GrantStatementText.of("SELECT f(CAST($1 AS text[]), $7, $12) WHERE a = $5 OR b = $1");

        assertThat(text.sql()).isEqualTo("SELECT f(CAST(? AS text[]), ?, ?) WHERE a = ? OR b = ?");
        assertThat(text.parameters()).containsExactly(1, 7, 12, 5, 1);
    }

    @Test
    void theRedirectorsStatementsNameEachOfTheirParameters() {
        assertThat(GrantStatementText.of(RedeemableLinks.statement("redeem/grant.sql"))
                        .parameters())
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
        assertThat(GrantStatementText.of(RedeemableLinks.statement("redeem/grant-leased.sql"))
                        .parameters())
                .containsExactlyInAnyOrder(1, 2, 3, 4, 7, 5, 6);
        assertThat(GrantStatementText.of(RedeemableLinks.statement("redeem/grant-from-leases.sql"))
                        .parameters())
                .containsExactlyInAnyOrder(2, 3, 4, 7, 5, 6);
        assertThat(GrantStatementText.of(RedeemableLinks.statement("redeem/share-token-grant.sql"))
                        .parameters())
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        assertThat(List.of(
                        "redeem/grant.sql",
                        "redeem/grant-leased.sql",
                        "redeem/grant-from-leases.sql",
                        "redeem/share-token-grant.sql"))
                .allSatisfy(resource -> assertThat(GrantStatementText.of(RedeemableLinks.statement(resource))
                                .sql())
                        .doesNotContain("$"));
    }
}
