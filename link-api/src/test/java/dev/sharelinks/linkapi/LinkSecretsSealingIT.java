package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.linkapi.sealing.LinkSecretsResealing;
import dev.sharelinks.sealing.Sealer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * A link's key, the answers kept for idempotent retries and a webhook's secret are capabilities: link-api keeps them
 * sealed, and no table holds one in plaintext; a key rotation reseals in the background, and rows from before
 * sealing are sealed.
 */
class LinkSecretsSealingIT extends LinkApiIntegrationTest {

    private static final String CREATE = """
            {"expiry_date": "2099-01-01", "limit": 3, "payload": {"media_id": 4, "filename": "report.pdf"}}""";

    @Autowired
    LinkSecretsResealing resealing;

    @Test
    void noTableHoldsALinksKeyOrUrlOrAWebhookSecretAndEveryRouteStillAnswersThem() {
        TestAccount account = newAccount("bucket-sealed");
        JsonNode created = createWithKey(account, "sealed-1");
        long link = created.get("id").asLong();
        String url = created.get("url").asString();
        String key = url.substring(url.lastIndexOf('/') + 1);
        String secret = registerWebhook(account);
        ShareRequested share = share(account, link, "sealed@mail.test");

        for (String table : query("""
                        SELECT table_name FROM information_schema.tables
                        WHERE table_schema = 'link_api' AND table_type = 'BASE TABLE'""").lines().toList()) {
            assertThat(query("SELECT coalesce(string_agg(t::text, ' '), '') FROM link_api." + table + " t"))
                    .as(table)
                    .doesNotContain(key, secret.substring("whsec_".length()));
        }
        assertThat(query("SELECT encode(key_digest, 'hex') FROM link_api.links WHERE id = " + link))
                .isEqualTo(CapabilityDigests.hex(key));
        // the info and a retry still answer the URL; the share event carries it sealed, which the mailer opens
        assertThat(urlOf(account, link)).isEqualTo(url);
        assertThat(createWithKey(account, "sealed-1")).isEqualTo(created);
        assertThat(SEALER.open(Objects.requireNonNull(share.links().get(0).sealedUrl())))
                .isEqualTo(url);
    }

    @Test
    void aRotationResealsWithTheNewKeyAndRowsFromBeforeSealingGetSealed() {
        TestAccount account = newAccount("bucket-resealed");
        JsonNode plainLink = createWithKey(account, "plain-1");
        JsonNode rotatedLink = createWithKey(account, "rotated-1");
        String secret = registerWebhook(account);
        String plainUrl = plainLink.get("url").asString();
        String rotatedUrl = rotatedLink.get("url").asString();
        long plainId = plainLink.get("id").asLong();
        long rotatedId = rotatedLink.get("id").asLong();
        // rows as they were before sealing: the key, the answer and the secret in plaintext
        query("UPDATE link_api.links SET sealed_key = NULL, key = '" + plainUrl.substring(plainUrl.lastIndexOf('/') + 1)
                + "' WHERE id = " + plainId);
        query("UPDATE link_api.idempotency_keys SET sealed_answer = NULL, answer = '"
                + JSON.writeValueAsString(plainLink) + "' WHERE idem_key = 'plain-1' AND account_id = "
                + account.id());
        query("UPDATE link_api.webhook_endpoints SET sealed_secret = NULL, secret = '" + secret
                + "' WHERE account_id = " + account.id());
        // and a link's key and an answer sealed with the key a rotation replaced
        String rotatedKey = rotatedUrl.substring(rotatedUrl.lastIndexOf('/') + 1);
        query("UPDATE link_api.links SET sealed_key = '" + sealedWithTheOldKey(rotatedKey) + "' WHERE id = "
                + rotatedId);
        query("UPDATE link_api.idempotency_keys SET sealed_answer = '"
                + sealedWithTheOldKey(JSON.writeValueAsString(rotatedLink)) + "' WHERE idem_key = 'rotated-1'"
                + " AND account_id = " + account.id());
        assertThat(urlOf(account, plainId)).isEqualTo(plainUrl);
        assertThat(urlOf(account, rotatedId)).isEqualTo(rotatedUrl);
        assertThat(createWithKey(account, "plain-1")).isEqualTo(plainLink);
        assertThat(createWithKey(account, "rotated-1")).isEqualTo(rotatedLink);

        resealing.resealBatch().block(Duration.ofSeconds(30));

        String ofAccount = " WHERE account_id = " + account.id();
        assertThat(query("SELECT string_agg(left(sealed_key, 3) || coalesce(key, '-'), ',') FROM link_api.links"
                        + ofAccount))
                .isEqualTo("l2:-,l2:-");
        assertThat(query("SELECT string_agg(left(sealed_answer, 3) || coalesce(answer::text, '-'), ',')"
                        + " FROM link_api.idempotency_keys" + ofAccount))
                .isEqualTo("l2:-,l2:-");
        String sealedSecret =
                query("SELECT sealed_secret || coalesce(secret, '-') FROM link_api.webhook_endpoints" + ofAccount);
        assertThat(sealedSecret).startsWith("l2:").endsWith("-");
        assertThat(SEALER.open(sealedSecret.substring(0, sealedSecret.length() - 1)))
                .isEqualTo(secret);
        assertThat(urlOf(account, plainId)).isEqualTo(plainUrl);
        assertThat(urlOf(account, rotatedId)).isEqualTo(rotatedUrl);
        assertThat(createWithKey(account, "plain-1")).isEqualTo(plainLink);
        assertThat(createWithKey(account, "rotated-1")).isEqualTo(rotatedLink);
    }

    private static String sealedWithTheOldKey(String value) {
        return Sealer.of(List.of(OLD_SEALING_KEY)).seal(value);
    }

    private JsonNode createWithKey(TestAccount account, String idempotencyKey) {
        byte[] body = http.post()
                .uri("/api/v2/shareable_links")
                .header("X-API-KEY", account.apiKey())
                .header("Idempotency-Key", idempotencyKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CREATE)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();
        return JSON.readTree(body);
    }

    /** A receiver that is never called (no event it subscribes to happens); its secret is what matters here. */
    private String registerWebhook(TestAccount account) {
        return registerWebhook(account, "https://203.0.113.9/hooks", "link.revoked")
                .get("secret")
                .asString();
    }
}
