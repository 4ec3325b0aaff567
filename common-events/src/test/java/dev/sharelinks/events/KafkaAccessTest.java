package dev.sharelinks.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KafkaAccessTest {

    @Test
    void theMailersAclsAreItsTopicsAndItsGroupsPrefix() {
        assertThat(KafkaAccess.MAILER_SERVICE.acls())
                .containsExactly(
                        new KafkaAccess.Acl("group", "mailer-service", "prefix", "Read"),
                        new KafkaAccess.Acl("topic", Topics.SHARES, "literal", "Read"),
                        new KafkaAccess.Acl("topic", Topics.SHARES, "literal", "Write"),
                        new KafkaAccess.Acl("topic", Topics.deadLetterOf(Topics.SHARES), "literal", "Write"));
    }

    @Test
    void listenersOnExactlyItsAccessMatch() {
        assertThat(KafkaAccess.DOWNLOAD_REDIRECTOR.mismatchesWith(Map.of(
                        "download-redirector", Set.of(Topics.LINKS),
                        "download-redirector-tokens", Set.of(Topics.TOKENS),
                        "download-redirector-downloads", Set.of(Topics.DOWNLOADS))))
                .isEmpty();
    }

    @Test
    void aTopicNotAllowedAGroupOfAnotherAndAGrantNoListenerUsesAreEachNamed() {
        assertThat(KafkaAccess.MAILER_SERVICE.mismatchesWith(
                        Map.of("mailer-service", Set.of(Topics.SHARES, Topics.LINKS), "link-api", Set.of())))
                .containsExactlyInAnyOrder(
                        "mailer-service may not read " + Topics.LINKS,
                        "mailer-service may not write " + Topics.LINKS + "'s dead letters",
                        "group link-api is not mailer-service's");
        assertThat(KafkaAccess.MAILER_SERVICE.mismatchesWith(Map.of()))
                .containsExactly("mailer-service may read " + Topics.SHARES + ", which no listener reads");
    }
}
