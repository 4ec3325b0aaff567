package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The share extensions that say who shared and in which language, as the event carries them to the mailer. */
class ShareSenderIT extends LinkApiIntegrationTest {

    private TestAccount account;

    @BeforeEach
    void account() {
        account = newAccount("bucket-sender");
    }

    @Test
    void aShareCarriesTheAccountsNameTheSendersNameReplyToAndLanguageAndEachLinksDownloads() {
        long link = createLink(account, 4);
        post(account, "/api/v2/shareable_links/share", """
                {"recipients": ["aino@example.test"], "shareable_link_ids": [%d], "sender_name": " Anna Virtanen ",
                 "reply_to": "Anna.Virtanen@ACME.test", "locale": "fi-FI"}""".formatted(link))
                .expectStatus()
                .isOk();

        ShareRequested share = lastShareOf(link);
        assertThat(share.sender())
                .isEqualTo(
                        new ShareRequested.Sender("Account bucket-sender", "Anna Virtanen", "Anna.Virtanen@acme.test"));
        assertThat(share.locale()).isEqualTo("fi");
        assertThat(share.links())
                .singleElement()
                .extracting(ShareRequested.SharedLink::downloads)
                .isEqualTo(4);
    }

    @Test
    void withoutALanguageTheMailIsInTheAccountsWhichTheAdminSets() {
        long link = createLink(account, 2);
        share(account, link, "ben@example.test");
        assertThat(lastShareOf(link).locale()).isEqualTo("en");
        assertThat(lastShareOf(link).sender())
                .isEqualTo(new ShareRequested.Sender("Account bucket-sender", null, null));

        admin().patch()
                .uri("/admin/accounts/{id}", account.id())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("locale", "DE"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.locale")
                .isEqualTo("de")
                .jsonPath("$.landingPage")
                .isEqualTo(false);
        share(account, link, "cid@example.test");
        assertThat(lastShareOf(link).locale()).isEqualTo("de");

        admin().patch()
                .uri("/admin/accounts/{id}", account.id())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("locale", "sv"))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .isEqualTo("locale must be one of en, fi, fr, de");
        admin().post()
                .uri("/admin/accounts")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Société", "bucket", "bucket-fr", "locale", "fr"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.locale")
                .isEqualTo("fr");
    }

    /** The admin sets the account's name and branding; shares carry them; "" clears a field; bad values are 400. */
    @Test
    void theAccountsBrandingSetByTheAdminTravelsWithEachShare() {
        long link = createLink(account, 2);
        share(account, link, "eva@example.test");
        assertThat(lastShareOf(link).branding())
                .as("an account without branding")
                .isNull();

        admin().patch()
                .uri("/admin/accounts/{id}", account.id())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "name",
                        " Acme Media ",
                        "logoUrl",
                        "https://cdn.acme.test/logo.png",
                        "accentColor",
                        "#8A1C1C",
                        "footerText",
                        " Acme Media Oy, Helsinki "))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.name")
                .isEqualTo("Acme Media")
                .jsonPath("$.logoUrl")
                .isEqualTo("https://cdn.acme.test/logo.png")
                .jsonPath("$.accentColor")
                .isEqualTo("#8a1c1c")
                .jsonPath("$.footerText")
                .isEqualTo("Acme Media Oy, Helsinki");
        share(account, link, "fay@example.test");
        assertThat(lastShareOf(link).branding())
                .isEqualTo(new ShareRequested.Branding(
                        "https://cdn.acme.test/logo.png", "#8a1c1c", "Acme Media Oy, Helsinki"));
        assertThat(lastShareOf(link).sender().accountName()).isEqualTo("Acme Media");

        admin().patch()
                .uri("/admin/accounts/{id}", account.id())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("logoUrl", "", "locale", "fi"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.logoUrl")
                .doesNotExist()
                .jsonPath("$.accentColor")
                .isEqualTo("#8a1c1c");
        share(account, link, "gus@example.test");
        assertThat(lastShareOf(link).branding())
                .isEqualTo(new ShareRequested.Branding(null, "#8a1c1c", "Acme Media Oy, Helsinki"));

        Map<String, String> refused = Map.of(
                "logoUrl", "http://cdn.acme.test/logo.png",
                "accentColor", "#ffd700",
                "footerText", "line one\nline two",
                "name", " ");
        refused.forEach((field, value) -> admin().patch()
                .uri("/admin/accounts/{id}", account.id())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(field, value))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .value(detail -> assertThat(String.valueOf(detail)).as(field).startsWith(field)));
        admin().get()
                .uri("/admin/accounts/{id}", account.id())
                .exchange()
                .expectBody()
                .jsonPath("$.accentColor")
                .isEqualTo("#8a1c1c")
                .jsonPath("$.name")
                .isEqualTo("Acme Media");
    }

    @Test
    void badSenderReplyToOrLanguageIs422AndSharesNothing() {
        long link = createLink(account, 2);
        String senderName =
                "sender_name must be 1 to 100 characters on one line, without bidirectional-override characters";
        Map<String, String> refused = Map.of(
                "\"sender_name\": \"\"",
                senderName,
                "\"sender_name\": \"Anna\\r\\nBcc: x@evil.test\"",
                senderName,
                "\"sender_name\": \"" + "a".repeat(101) + "\"",
                senderName,
                // it reaches the subject: "Anna <U+202E>fdp.exe" would read as "Anna exe.pdf"
                "\"sender_name\": \"Anna \\u202Efdp.exe\"",
                senderName,
                "\"sender_name\": 5",
                "sender_name must be a String",
                "\"reply_to\": \"Anna <anna@acme.test>\"",
                "reply_to must be an e-mail address",
                "\"locale\": \"sv\"",
                "locale must be one of en, fi, fr, de",
                "\"locale\": \"not a tag\"",
                "locale must be one of en, fi, fr, de");
        refused.forEach((field, error) -> post(
                        account,
                        "/api/v2/shareable_links/share",
                        "{\"recipients\": [\"dan@example.test\"], \"shareable_link_ids\": [" + link + "], " + field
                                + "}")
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .json("{\"error\": " + JSON.writeValueAsString(error) + "}", true));
        assertThat(count("shares WHERE account_id = " + account.id())).isEqualTo("0");
    }

    @Test
    void aSenderNameIsAsLongAsAPersonCountsIt() {
        long link = createLink(account, 2);
        // 25 emoji of three code points each: 75 characters, 125 UTF-16 units
        post(
                        account,
                        "/api/v2/shareable_links/share",
                        "{\"recipients\": [\"dan@example.test\"], \"shareable_link_ids\": [" + link
                                + "], \"sender_name\": \"" + "\uD83D\uDC69\u200D\uD83D\uDCBB".repeat(25) + "\"}")
                .expectStatus()
                .isOk();
    }

    private WebTestClient admin() {
        return http.mutate()
                .defaultHeader("Authorization", "Bearer " + ADMIN_TOKEN)
                .build();
    }

    private ShareRequested lastShareOf(long link) {
        long shares = Long.parseLong(count("shares WHERE " + link + " = ANY (link_ids)"));
        var requests = shareRequests(TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.SHARES,
                seen -> shareRequests(seen).stream()
                                .filter(s -> s.links().stream().anyMatch(l -> l.linkId() == link))
                                .count()
                        >= shares,
                Duration.ofSeconds(30)));
        // the newest by id: shares are keyed by id, so the topic's partitions hold them in no overall order
        return requests.stream()
                .filter(s -> s.links().stream().anyMatch(l -> l.linkId() == link))
                .max(Comparator.comparingLong(ShareRequested::shareId))
                .orElseThrow();
    }
}
