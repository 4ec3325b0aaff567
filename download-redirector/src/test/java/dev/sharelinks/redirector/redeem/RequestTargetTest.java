package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The request line's target is split as WebFlux's {@code getPath()} and {@code getURI().getRawQuery()} split it. */
class RequestTargetTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            /share/abc                        | /share/abc        | null
            /share/abc?iAmASuffix             | /share/abc        | iAmASuffix
            /share/abc?                       | /share/abc        | ''
            /share/abc?a?b/c                  | /share/abc        | a?b/c
            /share/abc/                       | /share/abc/       | null
            /share/a%2Fb%3Fc                  | /share/a%2Fb%3Fc  | null
            /share/abc#part?x                 | /share/abc        | null
            /share/abc?x#part                 | /share/abc        | x
            http://host:8082/share/abc?x      | /share/abc        | x
            http://host                       | ''                | null
            """)
    void whenATargetIsSplitThenPathAndQueryAreWebFluxsRawOnes(String uri, String path, String query) {
        assertThat(RequestTarget.of(uri)).isEqualTo(new RequestTarget(path, query));
    }

    @Test
    void whenTheQueryHoldsAUrlThenThePathIsNotTakenForAnAbsoluteForm() {
        assertThat(RequestTarget.of("/share/abc?next=http://elsewhere/x"))
                .isEqualTo(new RequestTarget("/share/abc", "next=http://elsewhere/x"));
    }
}
