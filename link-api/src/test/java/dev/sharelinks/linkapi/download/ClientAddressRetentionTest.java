package dev.sharelinks.linkapi.download;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressRetentionTest {

    @Test
    void truncatedKeepsAnIpv4AddressesSlash24AndAnIpv6AddressesSlash48() {
        ClientAddressRetention truncated = ClientAddressRetention.TRUNCATED;

        assertThat(truncated.keep("203.0.113.77")).isEqualTo("203.0.113.0");
        assertThat(truncated.keep("2001:db8:85a3:8d3:1319:8a2e:370:7348")).isEqualTo("2001:db8:85a3::");
        assertThat(truncated.keep("2001:0DB8:0000::1")).isEqualTo("2001:db8:0::");
        assertThat(truncated.keep("::1")).isEqualTo("0:0:0::");
        // an IPv4 address in IPv6 clothing is the IPv4 address
        assertThat(truncated.keep("::ffff:198.51.100.9")).isEqualTo("198.51.100.0");
    }

    @Test
    void truncatedKeepsNothingThatIsNotAnIpLiteralAndNeverLooksANameUp() {
        ClientAddressRetention truncated = ClientAddressRetention.TRUNCATED;

        assertThat(truncated.keep("localhost")).isNull();
        assertThat(truncated.keep("cafe.example")).isNull();
        assertThat(truncated.keep("1.2.3.4.5")).isNull();
        assertThat(truncated.keep("")).isNull();
        assertThat(truncated.keep(null)).isNull();
    }

    @Test
    void fullKeepsTheAddressAsSeenAndNoneKeepsNothing() {
        assertThat(ClientAddressRetention.FULL.keep("203.0.113.77")).isEqualTo("203.0.113.77");
        assertThat(ClientAddressRetention.NONE.keep("203.0.113.77")).isNull();
    }
}
