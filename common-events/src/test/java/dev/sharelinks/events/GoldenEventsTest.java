package dev.sharelinks.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Pins every event version to a golden sample. These files are the contract with consumers that may run an older or
 * newer build, and with the history kept on the topics: if one stops deserializing, the change broke the wire
 * format and needs a new version instead. An older version's sample must read as the current record.
 */
class GoldenEventsTest {

    private final EventSerde serde = new EventSerde();

    @Test
    void linkCreatedV1GoldenSampleReadsWithTheKeysDigestAndNoUrl() {
        EventEnvelope<LinkCreated> event = serde.read(golden("link-created.v1.json"), LinkCreated.class);

        assertThat(event.eventId()).isEqualTo(UUID.fromString("3f1c2a5e-8d4b-4f6a-9c1e-2b7d8e9f0a11"));
        assertThat(event.type()).isEqualTo("sharelinks.link.created.v1");
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-24T10:15:30.123Z"));
        assertThat(event.source()).isEqualTo("link-api");
        assertThat(event.subject()).isEqualTo("42");
        assertThat(event.data())
                .isEqualTo(new LinkCreated(
                        42,
                        KEY_DIGEST,
                        7,
                        4,
                        "b5Iix0ul_b2bTnT23Jo-",
                        "demo-bucket",
                        "media/4/original.jpg",
                        "test_file",
                        Instant.parse("2026-11-29T00:00:00Z"),
                        5));
        assertThat(new String(serde.serialize(event))).doesNotContain("Zk3v9QmL2xR7tY1pW8sN4cB6hJ0dF5gA");
    }

    @Test
    void linkCreatedV2GoldenSampleCarriesTheKeysDigestOnly() {
        EventEnvelope<LinkCreated> v2 = serde.read(golden("link-created.v2.json"), LinkCreated.class);
        LinkCreated v1 = serde.read(golden("link-created-locale.v1.json"), LinkCreated.class)
                .data();

        assertThat(v2.type()).isEqualTo(EventType.LINK_CREATED.typeName());
        assertThat(v2.data())
                .isEqualTo(v1)
                .isEqualTo(new LinkCreated(
                        44,
                        "e3a3843df168f9d6ab6080cd31070244e3e7862e82b00581c24583f32682f3fb",
                        7,
                        4,
                        "b5Iix0ul_b2bTnT23Jo-",
                        "demo-bucket",
                        "media/4/original.jpg",
                        "kokous.pdf",
                        Instant.parse("2026-12-12T00:00:00Z"),
                        3,
                        new LinkCreated.LandingPage(null),
                        "fi"));
    }

    private static final String HASH = "{bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG";

    @Test
    void aLinkCreatedWithALandingPageCarriesThePasswordHashAndAnOlderOneReadsAsAPlainLink() {
        EventEnvelope<LinkCreated> gated = serde.read(golden("link-created-landing-page.v1.json"), LinkCreated.class);
        EventEnvelope<LinkCreated> plain = serde.read(golden("link-created.v1.json"), LinkCreated.class);

        assertThat(gated.data().landingPage()).isEqualTo(new LinkCreated.LandingPage(HASH));
        assertThat(plain.data().landingPage()).isNull();
        String withoutPassword = new String(golden("link-created-landing-page.v1.json"))
                .replace("\"passwordHash\": \"" + HASH + "\"", "");
        assertThat(serde.read(withoutPassword.getBytes(), LinkCreated.class)
                        .data()
                        .landingPage())
                .isEqualTo(new LinkCreated.LandingPage(null));
    }

    @Test
    void aLinkCreatedCarriesItsAccountsLanguageAndAnOlderOneNamesNone() {
        LinkCreated finnish = serde.read(golden("link-created-locale.v1.json"), LinkCreated.class)
                .data();

        assertThat(finnish.locale()).isEqualTo("fi");
        assertThat(finnish.landingPage()).isEqualTo(new LinkCreated.LandingPage(null));
        assertThat(serde.read(golden("link-created.v1.json"), LinkCreated.class)
                        .data()
                        .locale())
                .isNull();
    }

    /** The SHA-256 of the samples' link key, {@code Zk3v9QmL2xR7tY1pW8sN4cB6hJ0dF5gA}, as v2 events carry it. */
    private static final String KEY_DIGEST = "8dceab1289619e31d13736cab8be3dae565ee63957010fb8225d02775522db97";

    @Test
    void downloadCountSettledV1AndV2GoldenSamplesReadAsOneRecordWithTheKeysDigest() {
        EventEnvelope<DownloadCountSettled> v1 =
                serde.read(golden("download-count-settled.v1.json"), DownloadCountSettled.class);
        EventEnvelope<DownloadCountSettled> v2 =
                serde.read(golden("download-count-settled.v2.json"), DownloadCountSettled.class);

        assertThat(v1.type()).isEqualTo("sharelinks.download.count-settled.v1");
        assertThat(v2.type()).isEqualTo(EventType.DOWNLOAD_COUNT_SETTLED.typeName());
        assertThat(List.of(v1.data(), v2.data())).containsOnly(new DownloadCountSettled(42, KEY_DIGEST, 117, 38));
        assertThat(EventType.DOWNLOAD_COUNT_SETTLED.topic()).isEqualTo(Topics.DOWNLOADS);
    }

    @Test
    void downloadRepeatedV1AndV2GoldenSamplesReadAsOneRecordWithTheKeysDigest() {
        EventEnvelope<DownloadRepeated> v1 = serde.read(golden("download-repeated.v1.json"), DownloadRepeated.class);
        EventEnvelope<DownloadRepeated> v2 = serde.read(golden("download-repeated.v2.json"), DownloadRepeated.class);

        assertThat(v2.type()).isEqualTo(EventType.DOWNLOAD_REPEATED.typeName());
        assertThat(List.of(v1.data(), v2.data()))
                .containsOnly(new DownloadRepeated(42, KEY_DIGEST, "203.0.113.9", "Mozilla/5.0 (X11; Linux x86_64)"));
        assertThat(EventType.DOWNLOAD_REPEATED.topic()).isEqualTo(Topics.DOWNLOADS);
    }

    @Test
    void theDigestIsTheSha256OfTheKeysUtf8BytesInLowerCaseHex() {
        assertThat(CapabilityDigests.hex("Zk3v9QmL2xR7tY1pW8sN4cB6hJ0dF5gA")).isEqualTo(KEY_DIGEST);
        assertThat(CapabilityDigests.sha256("Zk3v9QmL2xR7tY1pW8sN4cB6hJ0dF5gA")).hasSize(32);
    }

    @Test
    void aV2DownloadEventWithoutItsDigestIsMalformed() {
        String withoutDigest =
                new String(golden("download-consumed.v2.json")).replace("\"keyDigest\": \"" + KEY_DIGEST + "\",", "");

        assertThatThrownBy(() -> serde.read(withoutDigest.getBytes())).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void linkRevokedV1AndV2GoldenSamplesReadAsOneRecordWithTheKeysDigest() {
        EventEnvelope<LinkRevoked> event = serde.read(golden("link-revoked.v1.json"), LinkRevoked.class);
        EventEnvelope<LinkRevoked> v2 = serde.read(golden("link-revoked.v2.json"), LinkRevoked.class);

        assertThat(event.type()).isEqualTo("sharelinks.link.revoked.v1");
        assertThat(List.of(event.data(), v2.data())).containsOnly(new LinkRevoked(42, KEY_DIGEST, 7));
        assertThat(v2.type()).isEqualTo(EventType.LINK_REVOKED.typeName());
    }

    @Test
    void shareRequestedV1GoldenSampleStillDeserializes() {
        EventEnvelope<ShareRequested> event = serde.read(golden("share-requested.v1.json"), ShareRequested.class);

        assertThat(event.subject()).isEqualTo("3");
        assertThat(event.data())
                .isEqualTo(new ShareRequested(
                        3,
                        7,
                        List.of("test1@testmail.test", "test2@testmail.test"),
                        "This is an optional test message",
                        List.of(new ShareRequested.SharedLink(
                                42,
                                "http://localhost:8082/api/v2/shareable_links/Zk3v9QmL2xR7tY1pW8sN4cB6hJ0dF5gA",
                                "test_file",
                                Instant.parse("2026-11-29T00:00:00Z")))));
    }

    @Test
    void shareRequestedV2GoldenSampleCarriesTheUrlsSealedAndV1ReadsWithThemInTheClear() {
        EventEnvelope<ShareRequested> v2 = serde.read(golden("share-requested.v2.json"), ShareRequested.class);
        ShareRequested v1 = serde.read(golden("share-requested-branding.v1.json"), ShareRequested.class)
                .data();

        assertThat(v2.type()).isEqualTo(EventType.SHARE_REQUESTED.typeName());
        ShareRequested.SharedLink sealed = v2.data().links().get(0);
        assertThat(sealed.url()).isNull();
        assertThat(sealed.sealedUrl()).startsWith("l1:");
        assertThat(new String(serde.serialize(v2))).doesNotContain("shareable_links");
        // apart from the URL (and its share id) the same share as the v1 sample, which reads with its URL in the clear
        String v1Url = v1.links().get(0).url();
        assertThat(v1Url).isEqualTo("http://localhost:8082/api/v2/shareable_links/Zk3v9QmL2xR7tY1pW8sN4cB6hJ0dF5gA");
        assertThat(v2.data().withLinks(List.of(sealed.withUrl(v1Url))))
                .usingRecursiveComparison()
                .ignoringFields("shareId")
                .isEqualTo(v1);
        assertThatThrownBy(() ->
                        new ShareRequested.SharedLink(1, "http://r.test/k", "l1:AAAA", "a.pdf", Instant.EPOCH, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void downloadConsumedV1AndV2GoldenSamplesReadAsOneRecordWithTheKeysDigest() {
        EventEnvelope<DownloadConsumed> v1 = serde.read(golden("download-consumed.v1.json"), DownloadConsumed.class);
        EventEnvelope<DownloadConsumed> v2 = serde.read(golden("download-consumed.v2.json"), DownloadConsumed.class);

        assertThat(v1.occurredAt()).isEqualTo(Instant.parse("2026-11-24T10:20:00.5Z"));
        assertThat(v2.type()).isEqualTo(EventType.DOWNLOAD_CONSUMED.typeName());
        assertThat(List.of(v1.data(), v2.data()))
                .containsOnly(new DownloadConsumed(42, KEY_DIGEST, 4, "203.0.113.9", "curl/8.0"));
    }

    @Test
    void aShareWithRecipientReferencesCarriesOnePerRecipientAndAnOlderOneReadsAsPlainUrls() {
        ShareRequested referenced = serde.read(golden("share-requested-recipient-refs.v1.json"), ShareRequested.class)
                .data();
        ShareRequested plain = serde.read(golden("share-requested.v1.json"), ShareRequested.class)
                .data();

        assertThat(referenced.recipientRefs()).containsExactly("q7Vd2mXr0bN5sK8wYc1ZaA", "Hk3pL9tQ2vW6yB0nE4rU8g");
        assertThat(referenced.recipientRef(1)).isEqualTo("Hk3pL9tQ2vW6yB0nE4rU8g");
        assertThat(plain.recipientRefs()).isNull();
        assertThat(plain.recipientRef(0)).isNull();
        assertThatThrownBy(() -> new ShareRequested(
                        3,
                        7,
                        List.of("a@example.test", "b@example.test"),
                        null,
                        List.of(),
                        List.of("q7Vd2mXr0bN5sK8wYc1ZaA")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aShareNamesItsSenderLanguageAndDownloadsAndAnOlderOneReadsAsAnAnonymousEnglishShare() {
        ShareRequested named = serde.read(golden("share-requested-sender-locale.v1.json"), ShareRequested.class)
                .data();
        ShareRequested older = serde.read(golden("share-requested.v1.json"), ShareRequested.class)
                .data();

        assertThat(named.sender())
                .isEqualTo(new ShareRequested.Sender("Acme Media", "Anna Virtanen", "anna.virtanen@acme.test"));
        assertThat(named.locale()).isEqualTo("fi");
        assertThat(named.links())
                .singleElement()
                .extracting(ShareRequested.SharedLink::downloads)
                .isEqualTo(3);
        assertThat(older.sender()).isNull();
        assertThat(older.locale()).isNull();
        assertThat(older.links())
                .allSatisfy(link -> assertThat(link.downloads()).isNull());
    }

    @Test
    void aShareCarriesItsAccountsBrandingAndAnOlderOneHasNone() {
        ShareRequested branded = serde.read(golden("share-requested-branding.v1.json"), ShareRequested.class)
                .data();

        assertThat(branded.branding())
                .isEqualTo(new ShareRequested.Branding(
                        "https://cdn.acme.test/logo.png",
                        "#8a1c1c",
                        "Acme Media Oy, Mannerheimintie 1, 00100 Helsinki"));
        assertThat(serde.read(golden("share-requested-sender-locale.v1.json"), ShareRequested.class)
                        .data()
                        .branding())
                .isNull();
    }

    @Test
    void aDownloadThroughARecipientsUrlCarriesItsReferenceAndAnOlderOneIsAttributedToNobody() {
        DownloadConsumed referenced = serde.read(golden("download-consumed-recipient.v1.json"), DownloadConsumed.class)
                .data();

        assertThat(referenced)
                .isEqualTo(
                        new DownloadConsumed(42, KEY_DIGEST, 4, "203.0.113.9", "curl/8.0", "q7Vd2mXr0bN5sK8wYc1ZaA"));
        assertThat(serde.read(golden("download-consumed.v1.json"), DownloadConsumed.class)
                        .data()
                        .recipientRef())
                .isNull();
    }

    private static final String TOKEN_VALUE = "Qm9uam91cl9sZV9tb25kZV9zaGFyZQ";
    private static final MediaFile ORIGINAL = new MediaFile("dam-media", "media/2001/original.jpg", "harbour.jpg");

    /** The SHA-256 of the samples' token value with the suffix {@code ?iAmASuffix}, and of the value alone. */
    private static final String PATH_DIGEST = "07601ea7669e4c6d1e5ccdcbaf3f6f923deac3015e36c10e67bbd315ba6426a2";

    private static final String VALUE_DIGEST = "6501e6f22be07fdd11997458cd44ee602bc9810dc7adad7c573a047b24b82a1e";

    @Test
    void shareTokenCreatedV1AndV2GoldenSamplesReadAsOneRecordWithThePathsDigest() {
        EventEnvelope<ShareTokenCreated> v1 =
                serde.read(golden("share-token-created.v1.json"), ShareTokenCreated.class);
        EventEnvelope<ShareTokenCreated> v2 =
                serde.read(golden("share-token-created.v2.json"), ShareTokenCreated.class);

        assertThat(v1.source()).isEqualTo("token-api");
        assertThat(v1.subject()).isEqualTo("12");
        assertThat(v2.type()).isEqualTo(EventType.SHARE_TOKEN_CREATED.typeName());
        assertThat(List.of(v1.data(), v2.data()))
                .containsOnly(new ShareTokenCreated(
                        12,
                        new ShareTokenState(
                                PATH_DIGEST,
                                "?iAmASuffix",
                                2001,
                                "Token of media 1",
                                ExportDefinition.HD,
                                false,
                                Instant.parse("2021-08-16T12:14:03Z"),
                                Instant.parse("2099-08-17T12:14:03Z"),
                                3,
                                1,
                                ORIGINAL,
                                new MediaFile("dam-media", "media/2001/bd.jpg", "harbour-bd.jpg")),
                        5));
        assertThat(PATH_DIGEST)
                .isEqualTo(CapabilityDigests.hex(ShareTokenState.publicPath(TOKEN_VALUE, "?iAmASuffix")));
        assertThat(new String(serde.serialize(v1))).doesNotContain(TOKEN_VALUE);
    }

    @Test
    void shareTokenUpdatedV1AndV2GoldenSamplesReadAsOneRecordWithThePathsDigest() {
        EventEnvelope<ShareTokenUpdated> v1 =
                serde.read(golden("share-token-updated.v1.json"), ShareTokenUpdated.class);
        EventEnvelope<ShareTokenUpdated> v2 =
                serde.read(golden("share-token-updated.v2.json"), ShareTokenUpdated.class);

        assertThat(v2.type()).isEqualTo(EventType.SHARE_TOKEN_UPDATED.typeName());
        assertThat(List.of(v1.data(), v2.data()))
                .containsOnly(new ShareTokenUpdated(
                        12,
                        new ShareTokenState(
                                VALUE_DIGEST,
                                null,
                                2001,
                                "Token of media 1, low definition",
                                ExportDefinition.BD,
                                true,
                                null,
                                null,
                                3,
                                1,
                                ORIGINAL,
                                null),
                        5L));
        assertThat(VALUE_DIGEST).isEqualTo(CapabilityDigests.hex(ShareTokenState.publicPath(TOKEN_VALUE, null)));
    }

    @Test
    void shareTokenDeletedV1AndV2GoldenSamplesReadAsOneRecordWithoutTheTokenValue() {
        EventEnvelope<ShareTokenDeleted> v1 =
                serde.read(golden("share-token-deleted.v1.json"), ShareTokenDeleted.class);
        EventEnvelope<ShareTokenDeleted> v2 =
                serde.read(golden("share-token-deleted.v2.json"), ShareTokenDeleted.class);

        assertThat(v2.type()).isEqualTo(EventType.SHARE_TOKEN_DELETED.typeName());
        assertThat(List.of(v1.data(), v2.data())).containsOnly(new ShareTokenDeleted(12, 2001, 1));
    }

    @Test
    void shareTokenDownloadedV1AndV2GoldenSamplesReadAsOneRecordWithoutTheTokenValue() {
        EventEnvelope<ShareTokenDownloaded> v1 =
                serde.read(golden("share-token-downloaded.v1.json"), ShareTokenDownloaded.class);
        EventEnvelope<ShareTokenDownloaded> v2 =
                serde.read(golden("share-token-downloaded.v2.json"), ShareTokenDownloaded.class);

        assertThat(v1.occurredAt()).isEqualTo(Instant.parse("2026-11-24T11:07:30.25Z"));
        assertThat(v2.type()).isEqualTo(EventType.SHARE_TOKEN_DOWNLOADED.typeName());
        assertThat(List.of(v1.data(), v2.data()))
                .containsOnly(new ShareTokenDownloaded(12, 2001, ExportDefinition.BD, "198.51.100.7", null));
        assertThat(new String(serde.serialize(v1))).doesNotContain(TOKEN_VALUE);
    }

    @Test
    void shareMailOutcomeV1GoldenSamplesStillDeserialize() {
        EventEnvelope<ShareMailDelivered> delivered =
                serde.read(golden("share-mail-delivered.v1.json"), ShareMailDelivered.class);
        EventEnvelope<ShareMailFailed> failed = serde.read(golden("share-mail-failed.v1.json"), ShareMailFailed.class);

        assertThat(delivered.type()).isEqualTo(EventType.SHARE_MAIL_DELIVERED.typeName());
        assertThat(delivered.data())
                .isEqualTo(new ShareMailDelivered(
                        314, 7, "ann@example.test", "q2V0aGlzLWlzLWEtcmVmMQ", List.of(42L, 43L)));
        assertThat(failed.type()).isEqualTo(EventType.SHARE_MAIL_FAILED.typeName());
        assertThat(failed.data())
                .isEqualTo(new ShareMailFailed(
                        314,
                        7,
                        "nobody@mailbox.invalid",
                        "bm90LWEtcmVhbC1wZXJzb24",
                        "550 5.1.1 <nobody@mailbox.invalid>: mailbox unavailable",
                        List.of(42L, 43L)));
        // on the shares topic, keyed by share id, after the share's request
        assertThat(EventType.SHARE_MAIL_DELIVERED.topic()).isEqualTo(Topics.SHARES);
        assertThat(EventType.SHARE_MAIL_FAILED.topic()).isEqualTo(Topics.SHARES);
    }

    @Test
    void anExportDefinitionOutsideTheEnumIsMalformed() {
        String unknown = new String(golden("share-token-downloaded.v2.json")).replace("\"BD\"", "\"4K\"");

        assertThatThrownBy(() -> serde.read(unknown.getBytes())).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void everyEventSurvivesARoundTripWithItsTypeAndTopic() {
        for (String sample : List.of(
                "link-created.v2.json",
                "link-revoked.v2.json",
                "share-requested.v2.json",
                "download-consumed.v2.json",
                "share-token-created.v2.json",
                "share-token-updated.v2.json",
                "share-token-deleted.v2.json",
                "share-token-downloaded.v2.json",
                "download-repeated.v2.json",
                "download-count-settled.v2.json",
                "share-mail-delivered.v1.json",
                "share-mail-failed.v1.json")) {
            EventEnvelope<?> event = serde.read(golden(sample));
            EventEnvelope<?> again = serde.read(serde.serialize(event));

            assertThat(again).as(sample).isEqualTo(event);
            assertThat(EventType.of(event.data()).typeName()).isEqualTo(event.type());
        }
    }

    @Test
    void datesAreWrittenAsIsoStringsNotNumbers() {
        EventEnvelope<LinkRevoked> event =
                serde.envelope(new LinkRevoked(1, "k", 2), "link-api", "1", Instant.parse("2026-01-02T03:04:05Z"));

        assertThat(new String(serde.serialize(event))).contains("\"occurredAt\":\"2026-01-02T03:04:05Z\"");
    }

    @Test
    void unknownFieldsAreIgnoredSoV1CanGrowCompatibly() {
        String json = new String(golden("link-revoked.v1.json"))
                .replace("\"accountId\": 7", "\"accountId\": 7, \"reason\": \"added later\"");

        assertThat(serde.read(json.getBytes(), LinkRevoked.class).data().accountId())
                .isEqualTo(7);
    }

    @Test
    void garbageUnknownTypesAndMissingFieldsAreMalformed() {
        assertThatThrownBy(() -> serde.read("not json".getBytes())).isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> serde.read("[1,2]".getBytes())).isInstanceOf(MalformedEventException.class);
        String unknownType = new String(golden("link-revoked.v1.json"))
                .replace("sharelinks.link.revoked.v1", "sharelinks.link.exploded.v1");
        assertThatThrownBy(() -> serde.read(unknownType.getBytes()))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("unknown event type");
        String missingKey = new String(golden("link-revoked.v1.json"))
                .replace("\"key\": \"Zk3v9QmL2xR7tY1pW8sN4cB6hJ0dF5gA\",", "");
        assertThatThrownBy(() -> serde.read(missingKey.getBytes())).isInstanceOf(MalformedEventException.class);
        String missingLinkId = new String(golden("link-revoked.v1.json")).replace("\"linkId\": 42,", "");
        assertThatThrownBy(() -> serde.read(missingLinkId.getBytes())).isInstanceOf(MalformedEventException.class);
        String missingFilename = new String(golden("link-created.v1.json")).replace("\"filename\": \"test_file\",", "");
        assertThatThrownBy(() -> serde.read(missingFilename.getBytes())).isInstanceOf(MalformedEventException.class);
    }

    private static byte[] golden(String name) {
        try (InputStream in = GoldenEventsTest.class.getResourceAsStream("/golden/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
