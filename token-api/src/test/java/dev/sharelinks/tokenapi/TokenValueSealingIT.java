package dev.sharelinks.tokenapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.sealing.Sealer;
import dev.sharelinks.tokenapi.token.TokenValueResealing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A token's value is a capability: token-api keeps it sealed (to answer it again) and digested (to find it), and no
 * table holds it in plaintext; a key rotation reseals in the background, and rows from before sealing are sealed.
 */
class TokenValueSealingIT extends TokenApiIntegrationTest {

    @Autowired
    TokenValueResealing resealing;

    @Test
    void noTableHoldsATokensValueAndEveryRouteStillAnswersIt() {
        DamLogin reader = newUser(false);
        DamLogin administrator = newUser(true);
        long mediaId = newMedia(false);
        grantRead(reader, mediaId);
        Template template = newTemplate();
        Map<String, Object> kept = createToken(reader, mediaId, template, "\"suffix\": \"-press\"");
        Map<String, Object> gone = createToken(reader, mediaId, template, "");
        String keptValue = (String) kept.get("tokenValue");
        String goneValue = (String) gone.get("tokenValue");
        // a suffix changed and a token deleted leave their URLs behind, retired
        put(reader, mediaId, keptValue, """
                {"title": "Press kit", "exportDefinition": "HD", "suffix": "-kit"}""").expectStatus().isNoContent();
        delete(administrator, mediaId, goneValue).expectStatus().isNoContent();

        for (String table : query("""
                        SELECT table_name FROM information_schema.tables
                        WHERE table_schema = 'token_api' AND table_type = 'BASE TABLE'""").lines().toList()) {
            assertThat(query("SELECT coalesce(string_agg(t::text, ' '), '') FROM token_api." + table + " t"))
                    .as(table)
                    .doesNotContain(keptValue, goneValue);
        }
        assertThat(query("SELECT count(*) FROM token_api.retired_share_urls")).isNotEqualTo("0");

        // found by its value, answered with it, by value and by id
        assertThat(valueOf(mediaId, keptValue)).isEqualTo(keptValue);
        assertThat(valueOf(mediaId, String.valueOf(kept.get("id")))).isEqualTo(keptValue);
        assertThat(get(reader, "/api/dam/medias/{media}/share/tokens", mediaId)
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody())
                .contains(keptValue, SHARE_BASE_URL + "/share/" + keptValue + "-kit");
        // and the deleted one's value and the old suffix's URL stay taken
        post(reader, mediaId, """
                {"title": "Again", "exportDefinition": "HD", "templateId": %d, "templateDomainId": %d,
                 "tokenValue": "%s"}""".formatted(template.id(), template.domainId(), goneValue))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("share-token-create-all-ready-exist");
    }

    @Test
    void aRotationResealsWithTheNewKeyAndARowFromBeforeSealingGetsSealed() {
        DamLogin reader = newUser(false);
        long mediaId = newMedia(false);
        grantRead(reader, mediaId);
        Template template = newTemplate();
        String rotated = (String) createToken(reader, mediaId, template, "").get("tokenValue");
        String plain = (String) createToken(reader, mediaId, template, "").get("tokenValue");
        // one sealed with the key the rotation replaced, one as a row from before sealing holds it
        String sealedWithTheOldKey = Sealer.of(List.of(OLD_SEALING_KEY)).seal(rotated);
        query("UPDATE token_api.share_tokens SET sealed_value = '" + sealedWithTheOldKey + "' WHERE media_id = "
                + mediaId + " AND id = " + idOf(mediaId, rotated));
        query("UPDATE token_api.share_tokens SET sealed_value = NULL, token_value = '" + plain + "' WHERE media_id = "
                + mediaId + " AND id = " + idOf(mediaId, plain));
        assertThat(valueOf(mediaId, rotated)).isEqualTo(rotated);
        assertThat(valueOf(mediaId, plain)).isEqualTo(plain);

        resealing.resealBatch().block(Duration.ofSeconds(30));

        assertThat(query("SELECT string_agg(left(sealed_value, 3) || coalesce(token_value, '-'), ',') "
                        + "FROM token_api.share_tokens WHERE media_id = " + mediaId))
                .isEqualTo("t2:-,t2:-");
        assertThat(valueOf(mediaId, rotated)).isEqualTo(rotated);
        assertThat(valueOf(mediaId, plain)).isEqualTo(plain);
    }

    private String valueOf(long mediaId, String reference) {
        return (String) token(mediaId, reference).get("tokenValue");
    }

    private long idOf(long mediaId, String value) {
        return ((Number) token(mediaId, value).get("id")).longValue();
    }

    /** The token as Keepeek's GET answers it, by value or id, asked by an administrator. */
    private Map<String, Object> token(long mediaId, String reference) {
        return get(newUser(true), "/api/dam/medias/{media}/share/tokens/{ref}", mediaId, reference)
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
    }
}
