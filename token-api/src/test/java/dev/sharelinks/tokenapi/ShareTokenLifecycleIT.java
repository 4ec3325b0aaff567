package dev.sharelinks.tokenapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.ExportDefinition;
import dev.sharelinks.events.ShareTokenCreated;
import dev.sharelinks.events.ShareTokenDeleted;
import dev.sharelinks.events.ShareTokenUpdated;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.CapabilityHeaders;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The happy paths of every endpoint: what a Keepeek client sends, sees, and what the rest of the system hears. */
class ShareTokenLifecycleIT extends TokenApiIntegrationTest {

    private final EventSerde serde = new EventSerde();
    private DamLogin reader;
    private DamLogin administrator;
    private Template template;
    private long mediaId;

    @BeforeEach
    void media() {
        reader = newUser(false);
        administrator = newUser(true);
        template = newTemplate();
        mediaId = newMedia(true);
        grantRead(reader, mediaId);
    }

    @Test
    void whenATokenIsCreatedThenItIsLocatedAndShowsEveryAttributeOfTheSeed() {
        String location = post(reader, mediaId, """
                {"title": [{"type": "string", "value": "Token of media 1"}], "exportDefinition": "HD",
                 "templateId": %d, "templateDomainId": %d, "suffix": "?iAmASuffix", "manualActivate": true,
                 "activationDate": "2021-08-16T12:14:03Z", "deactivationDate": "2021-08-17T14:14:03+02:00"}""".formatted(template.id(), template.domainId()))
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueMatches(
                        HttpHeaders.LOCATION, "http://localhost:\\d+/api/dam/medias/" + mediaId + "/share/tokens/\\d+")
                .returnResult(Void.class)
                .getResponseHeaders()
                .getFirst(HttpHeaders.LOCATION);

        Map<String, Object> token = as(reader, http.get().uri(location))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
        String tokenValue = (String) token.get("tokenValue");
        assertThat(tokenValue).matches("[A-Za-z0-9_-]{32}");
        assertThat(location).endsWith("/" + token.get("id"));
        assertThat(token)
                .containsEntry("title", "Token of media 1")
                .containsEntry("suffix", "?iAmASuffix")
                // the seed's example dates are in 2021: its deactivation date has ended the token, by hand or not
                .containsEntry("active", false)
                .containsEntry("manualActivate", true)
                .containsEntry("isManualActive", true)
                .containsEntry("exportDefinition", "HD")
                .containsEntry("templateId", (int) template.id())
                .containsEntry("templateDomainId", (int) template.domainId())
                .containsEntry("createUser", (int) reader.id())
                .containsEntry("activationDate", "2021-08-16T12:14:03Z")
                .containsEntry("deactivationDate", "2021-08-17T12:14:03Z")
                .containsEntry("updateDate", null)
                .containsEntry("publicUrl", SHARE_BASE_URL + "/share/" + tokenValue + "?iAmASuffix");
        assertThat(Instant.parse((String) token.get("createDate")))
                .isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
        assertThat(token.get("creationDate")).isEqualTo(token.get("createDate"));
        assertThat(object(token.get("_links")))
                .containsEntry("self", Map.of("href", location))
                .containsEntry("kpk:public", Map.of("href", token.get("publicUrl")));

        get(reader, "/api/dam/medias/{media}/share/tokens/{value}", mediaId, tokenValue)
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .isEqualTo(token);
        as(reader, http.get().uri(location).accept(MediaType.parseMediaType("application/hal+json")))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType("application/hal+json")
                .expectBody(JSON)
                .isEqualTo(token);
    }

    @Test
    void whenNotSwitchedOnTheTokenIsActiveOnlyWithinItsDates() {
        Map<String, Object> always = createToken(reader, mediaId, template, "");
        Map<String, Object> past =
                createToken(reader, mediaId, template, "\"deactivationDate\": \"2020-01-01T00:00:00Z\"");
        Map<String, Object> future =
                createToken(reader, mediaId, template, "\"activationDate\": \"2999-01-01T00:00:00Z\"");
        Map<String, Object> now = createToken(
                reader,
                mediaId,
                template,
                "\"activationDate\": \"2020-01-01T00:00:00Z\", \"deactivationDate\": \"2999-01-01T00:00:00Z\"");
        Map<String, Object> switchedOff = createToken(reader, mediaId, template, "\"manualActivate\": false");

        assertThat(List.of(always, past, future, now, switchedOff))
                .extracting(t -> t.get("active"))
                .containsExactly(true, false, false, true, true);
        assertThat(always)
                .containsEntry("manualActivate", false)
                .containsEntry("suffix", null)
                .containsEntry("activationDate", null)
                .containsEntry("deactivationDate", null);
    }

    @Test
    void whenTokensSpanSeveralPagesThenEachPageLinksToItsNeighboursInCreationOrder() {
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(createToken(reader, mediaId, template, "").get("id"));
        }
        String base = "/api/dam/medias/" + mediaId + "/share/tokens";

        Map<String, Object> first = page(base + "?size=2");
        assertThat(first)
                .containsEntry("totalCount", 5)
                .containsEntry("page", 1)
                .containsEntry("size", 2)
                .containsEntry("pageCount", 3);
        assertThat(items(first)).containsExactly(ids.get(0), ids.get(1));
        assertThat(links(first)).containsOnlyKeys("self", "first", "next", "last");
        assertThat(href(first, "next")).endsWith(base + "?page=2&size=2");
        assertThat(href(first, "last")).endsWith(base + "?page=3&size=2");

        Map<String, Object> second = page(href(first, "next"));
        assertThat(items(second)).containsExactly(ids.get(2), ids.get(3));
        assertThat(links(second)).containsOnlyKeys("self", "first", "previous", "next", "last");
        assertThat(href(second, "previous")).endsWith("?page=1&size=2");

        Map<String, Object> third = page(href(second, "next"));
        assertThat(items(third)).containsExactly(ids.get(4));
        assertThat(links(third)).containsOnlyKeys("self", "first", "previous", "last");

        Map<String, Object> beyond = page(base + "?page=9&size=2");
        assertThat(items(beyond)).isEmpty();
        assertThat(beyond).containsEntry("totalCount", 5);
        assertThat(href(beyond, "previous")).endsWith("?page=3&size=2");

        Map<String, Object> defaults = page(base);
        assertThat(defaults).containsEntry("page", 1).containsEntry("size", 20).containsEntry("pageCount", 1);
        assertThat(items(defaults)).containsExactlyElementsOf(ids);
        List<?> embedded = (List<?>) object(defaults.get("_embedded")).get("item");
        assertThat(object(embedded.get(0)))
                .containsKeys(
                        "title",
                        "tokenValue",
                        "suffix",
                        "isManualActive",
                        "exportDefinition",
                        "templateId",
                        "createUser",
                        "creationDate");
    }

    @Test
    void whenAMediaHasNoTokensThenTheListIsOneEmptyPage() {
        Map<String, Object> empty = page("/api/dam/medias/" + mediaId + "/share/tokens");
        assertThat(empty).containsEntry("totalCount", 0).containsEntry("pageCount", 1);
        assertThat(items(empty)).isEmpty();
        assertThat(links(empty)).containsOnlyKeys("self", "first", "last");
    }

    @Test
    void whenATokenIsReplacedThenLeftOutAttributesAreErasedAndItsValueAndTemplateStay() {
        Map<String, Object> created = createToken(reader, mediaId, template, """
                "suffix": "-press.jpg", "manualActivate": true, "activationDate": "2021-01-01T00:00:00Z",
                "deactivationDate": "2999-01-01T00:00:00Z"
                """.strip());
        String tokenValue = (String) created.get("tokenValue");

        put(reader, mediaId, tokenValue, "{\"title\": \"Low definition\", \"exportDefinition\": \"BD\"}")
                .expectStatus()
                .isNoContent()
                .expectBody()
                .isEmpty();

        Map<String, Object> replaced = get(
                        reader, "/api/dam/medias/{media}/share/tokens/{id}", mediaId, created.get("id"))
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
        assertThat(replaced)
                .containsEntry("tokenValue", tokenValue)
                .containsEntry("title", "Low definition")
                .containsEntry("exportDefinition", "BD")
                .containsEntry("suffix", null)
                .containsEntry("manualActivate", false)
                .containsEntry("activationDate", null)
                .containsEntry("deactivationDate", null)
                .containsEntry("active", true)
                .containsEntry("templateId", (int) template.id())
                .containsEntry("createUser", (int) reader.id())
                .containsEntry("createDate", created.get("createDate"))
                .containsEntry("publicUrl", SHARE_BASE_URL + "/share/" + tokenValue);
        assertThat(replaced.get("updateDate")).isNotNull();

        // what a client GOT it may PUT back, read-only attributes included
        Map<Object, Object> roundTrip = new HashMap<>(replaced);
        roundTrip.put("title", "Round trip");
        put(reader, mediaId, tokenValue, serde.dataToJson(roundTrip))
                .expectStatus()
                .isNoContent();
        assertThat(query("SELECT title FROM token_api.share_tokens WHERE value_digest = sha256('" + tokenValue + "')"))
                .isEqualTo("Round trip");
    }

    /**
     * The URLs a deleted token, or a token's former suffix, leaves behind went out with shares: no later token may
     * answer them, whether it takes the value again or makes the same URL from another value and suffix.
     */
    @Test
    void whenATokenIsDeletedOrItsSuffixChangesThenItsFormerUrlStaysRetired() {
        String value = "retired_value_" + mediaId + "_" + System.nanoTime();
        createToken(reader, mediaId, template, "\"tokenValue\": \"" + value + "\", \"suffix\": \"-a\"");
        put(reader, mediaId, value, "{\"title\": \"t\", \"exportDefinition\": \"HD\", \"suffix\": \"-b\"}")
                .expectStatus()
                .isNoContent();
        String sameUrlOtherSplit = "{\"title\": \"t\", \"exportDefinition\": \"HD\", \"templateId\": %d, "
                + "\"templateDomainId\": %d, \"tokenValue\": \"%s\"%s}";
        post(reader, mediaId, sameUrlOtherSplit.formatted(template.id(), template.domainId(), value + "-a", ""))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("share-token-create-all-ready-exist");
        put(reader, mediaId, value, "{\"title\": \"t\", \"exportDefinition\": \"HD\", \"suffix\": \"-a\"}")
                .expectStatus()
                .isNoContent();

        delete(administrator, mediaId, value).expectStatus().isNoContent();

        for (String again : List.of(
                sameUrlOtherSplit.formatted(template.id(), template.domainId(), value, ""),
                sameUrlOtherSplit.formatted(template.id(), template.domainId(), value, ", \"suffix\": \"-c\""),
                sameUrlOtherSplit.formatted(template.id(), template.domainId(), value + "-b", ""))) {
            post(reader, mediaId, again)
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("share-token-create-all-ready-exist");
        }
        post(reader, mediaId, sameUrlOtherSplit.formatted(template.id(), template.domainId(), value + "-d", ""))
                .expectStatus()
                .isCreated();
    }

    @Test
    void whenATokenIsCreatedReplacedAndDeletedThenEachChangeIsPublishedWithItsMediaFiles() {
        Map<String, Object> created = createToken(reader, mediaId, template, "\"suffix\": \".jpg\"");
        long tokenId = ((Number) created.get("id")).longValue();
        String tokenValue = (String) created.get("tokenValue");
        put(reader, mediaId, tokenValue, "{\"title\": \"BD now\", \"exportDefinition\": \"BD\"}")
                .expectStatus()
                .isNoContent();
        delete(administrator, mediaId, tokenValue).expectStatus().isNoContent();
        get(reader, "/api/dam/medias/{media}/share/tokens/{value}", mediaId, tokenValue)
                .expectStatus()
                .isNotFound();
        assertThat(tokensOf(mediaId)).isEqualTo("0");

        List<EventEnvelope<?>> events = TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.TOKENS,
                        seen -> ofToken(seen, tokenId).size() == 3,
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> r.key().equals(String.valueOf(tokenId)))
                .<EventEnvelope<?>>map(r -> serde.read(r.value()))
                .toList();
        assertThat(events.stream().<Object>map(EventEnvelope::data).toList())
                .hasExactlyElementsOfTypes(ShareTokenCreated.class, ShareTokenUpdated.class, ShareTokenDeleted.class);

        ShareTokenCreated createdEvent = (ShareTokenCreated) events.get(0).data();
        assertThat(createdEvent.createUser()).isEqualTo(reader.id());
        // the value is a capability: the event carries the digest of the public path, and no value
        assertThat(createdEvent.token().pathDigest()).isEqualTo(CapabilityDigests.hex(tokenValue + ".jpg"));
        assertThat(events)
                .allSatisfy(event -> assertThat(new String(serde.serialize(event), StandardCharsets.UTF_8))
                        .doesNotContain(tokenValue));
        assertThat(createdEvent.token().exportDefinition()).isEqualTo(ExportDefinition.HD);
        assertThat(createdEvent.token().original().objectKey()).isEqualTo("media/" + mediaId + "/original.tif");
        assertThat(createdEvent.token().lowDefinition().objectKey()).isEqualTo("media/" + mediaId + "/bd.jpg");

        ShareTokenUpdated updatedEvent = (ShareTokenUpdated) events.get(1).data();
        assertThat(updatedEvent.updateUser()).isEqualTo(reader.id());
        assertThat(updatedEvent.token().suffix()).isNull();
        assertThat(updatedEvent.token().exportDefinition()).isEqualTo(ExportDefinition.BD);

        ShareTokenDeleted deletedEvent = (ShareTokenDeleted) events.get(2).data();
        assertThat(deletedEvent).isEqualTo(new ShareTokenDeleted(tokenId, mediaId, administrator.id()));
    }

    @Test
    void whenAMediasFilesChangeThenEveryTokenOfItIsAnnouncedAgainWithTheNewFiles() {
        long tokenId = ((Number) createToken(reader, mediaId, template, "").get("id")).longValue();
        http.put()
                .uri("/admin/medias/{id}", mediaId)
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "title",
                        "Moved",
                        "bucket",
                        "dam-archive",
                        "original",
                        Map.of("objectKey", "moved/original.tif", "filename", "original.tif"),
                        "lowDefinition",
                        Map.of("objectKey", "moved/bd.jpg", "filename", "preview.jpg")))
                .exchange()
                .expectStatus()
                .isOk();

        ShareTokenUpdated reannounced = TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.TOKENS,
                        seen -> ofToken(seen, tokenId).size() == 2,
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> r.key().equals(String.valueOf(tokenId)))
                .map(r -> serde.read(r.value()).data())
                .filter(ShareTokenUpdated.class::isInstance)
                .map(ShareTokenUpdated.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(reannounced.updateUser()).isNull();
        assertThat(reannounced.token().original().bucket()).isEqualTo("dam-archive");
        assertThat(reannounced.token().original().objectKey()).isEqualTo("moved/original.tif");
    }

    private static List<ConsumerRecord<String, byte[]>> ofToken(List<ConsumerRecord<String, byte[]>> seen, long id) {
        return seen.stream().filter(r -> r.key().equals(String.valueOf(id))).toList();
    }

    private Map<String, Object> page(String uri) {
        return get(reader, uri)
                .expectStatus()
                .isOk()
                .expectBody(JSON)
                .returnResult()
                .getResponseBody();
    }

    private static List<Object> items(Map<String, Object> page) {
        return ((List<?>) object(page.get("_embedded")).get("item"))
                .stream().map(item -> object(item).get("id")).toList();
    }

    private static Map<String, Object> links(Map<String, Object> page) {
        return object(page.get("_links"));
    }

    private static String href(Map<String, Object> page, String rel) {
        return (String) object(links(page).get(rel)).get("href");
    }

    /** A token's answer holds its value, a capability: never cached, sniffed, or sent on as a referrer. */
    @Test
    void everyAnswerCarriesTheSecurityHeadersRefusalsAndUnknownPathsToo() {
        Map<String, Object> token = createToken(reader, mediaId, template, "");
        List<WebTestClient.ResponseSpec> answers = List.of(
                get(reader, "/api/dam/medias/{media}/share/tokens/{value}", mediaId, token.get("tokenValue"))
                        .expectStatus()
                        .isOk(),
                http.get()
                        .uri("/api/dam/medias/{media}/share/tokens", mediaId)
                        .exchange()
                        .expectStatus()
                        .isUnauthorized(),
                get(reader, "/no/such/path").expectStatus().is4xxClientError());
        for (int i = 0; i < answers.size(); i++) {
            HttpHeaders headers = answers.get(i).returnResult(Void.class).getResponseHeaders();
            CapabilityHeaders.assertOn("answer " + i, headers::getFirst);
        }
    }
}
