package dev.sharelinks.linkapi.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.linkapi.webhook.WebhookProperties.PrivateAddresses;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointAddressesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.1.2.3",
                "::1",
                "0.0.0.0",
                "::",
                "10.1.2.3",
                "172.16.0.1",
                "192.168.1.1",
                "169.254.169.254",
                "fe80::1",
                "fc00::1",
                "fd12:3456::1",
                "100.64.0.1",
                "198.18.0.1",
                "192.0.0.8",
                "224.0.0.1",
                "ff02::1",
                "255.255.255.255",
                "::ffff:10.0.0.1",
                "::ffff:127.0.0.1",
                "64:ff9b::a00:1",
                // IPv4-compatible, 6to4, local-use NAT64 and Teredo forms of private and metadata addresses
                "::169.254.169.254",
                "::a00:1",
                "2002:a9fe:a9fe::1",
                "2002:a00:1::",
                "64:ff9b:1::a00:1",
                "2001:0:4136:e378:8000:63bf:f5ff:fffe",
                "100::1",
                "2001:db8::1"
            })
    void nonPublicAddressesAreRecognised(String literal) throws Exception {
        assertThat(EndpointAddresses.isPublic(InetAddress.getByName(literal))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "93.184.215.14",
                "8.8.8.8",
                "2606:4700:4700::1111",
                "100.128.0.1",
                "::ffff:8.8.8.8",
                "64:ff9b::808:808",
                "::8.8.8.8",
                "2002:808:808::1",
                "2001:0:4136:e378:8000:63bf:f7f7:f7f7"
            })
    void publicAddressesAreRecognised(String literal) throws Exception {
        assertThat(EndpointAddresses.isPublic(InetAddress.getByName(literal))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8080/hook",
                "https://10.0.0.1/hook",
                "http://[::1]/",
                "http://169.254.169.254/latest/meta-data/",
                "http://localhost/hook"
            })
    void urlsToPrivateAddressesAreRefusedUnlessAllowed(String url) {
        assertThat(addresses(PrivateAddresses.NONE).problem(url))
                .contains("url must not resolve to a loopback, private or link-local address");
        assertThat(addresses(PrivateAddresses.ALL).problem(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://8.8.8.8:0/hook", "https://8.8.8.8:65536/hook", "http://8.8.8.8:99999/"})
    void portsOutOfRangeAreRefused(String url) {
        assertThat(addresses(PrivateAddresses.ALL).problem(url)).contains("url's port must be from 1 to 65535");
        assertThat(addresses(PrivateAddresses.ALL).problem("http://8.8.8.8:65535/hook"))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/"})
    void loopbackCanBeAllowedAlone(String url) {
        assertThat(addresses(PrivateAddresses.LOOPBACK).problem(url)).isEmpty();
        assertThat(addresses(PrivateAddresses.LOOPBACK).problem("http://10.0.0.1/hook"))
                .isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ftp://93.184.215.14/x",
                "/relative",
                "mailto:a@b.test",
                "http:///nohost",
                "https://user:pass@93.184.215.14/",
                "https://93.184.215.14/#x",
                "http://exa mple.test/"
            })
    void onlyPlainAbsoluteHttpUrlsAreEndpoints(String url) {
        assertThat(addresses(PrivateAddresses.ALL).problem(url)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.215.14/hooks/sharelinks", "http://[2606:4700:4700::1111]:8443/x?y=1"})
    void publicLiteralsAreAccepted(String url) {
        assertThat(addresses(PrivateAddresses.NONE).problem(url)).isEmpty();
    }

    private static EndpointAddresses addresses(PrivateAddresses allowed) {
        return new EndpointAddresses(new WebhookProperties(
                allowed,
                true,
                20,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                32,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofHours(1),
                Duration.ofHours(25),
                5,
                Duration.ofDays(30)));
    }
}
