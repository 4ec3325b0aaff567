package dev.sharelinks.redirector.visitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.DefaultResourceLoader;

class PreviewAgentsTest {

    private final PreviewAgents agents = new PreviewAgents(
            new VisitorProperties("classpath:visitor/preview-agents.txt", List.of(), null, null, null),
            new DefaultResourceLoader());

    @Test
    void everyAgentOfTheFileHasASampleAndItsSampleMatchesIt() {
        assertThat(PreviewAgentSamples.BY_NAME.keySet()).containsExactlyInAnyOrderElementsOf(agents.names());
        PreviewAgentSamples.BY_NAME.forEach((name, userAgent) ->
                assertThat(agents.match(userAgent)).as(userAgent).hasValue(name));
    }

    @Test
    void peopleAndApiClientsAreNotPreviewAgents() {
        for (String person : PreviewAgentSamples.PEOPLE) {
            assertThat(agents.match(person)).as(person).isEmpty();
        }
        assertThat(agents.match(null)).isEmpty();
        assertThat(agents.match("")).isEmpty();
    }

    @Test
    void matchingIgnoresCaseAndAnswersTheSameFromTheCache() {
        assertThat(agents.match("SLACKBOT-LINKEXPANDING 1.0")).hasValue("slack");
        assertThat(agents.match("SLACKBOT-LINKEXPANDING 1.0")).hasValue("slack");
    }

    @Test
    void aFileOfOtherPatternsReplacesTheList() {
        PreviewAgents own = new PreviewAgents(PreviewAgents.read(file("""
                # ours only
                intranet   Intranet-Unfurler/
                """)));

        assertThat(own.names()).containsExactly("intranet");
        assertThat(own.match("Intranet-Unfurler/2.1")).hasValue("intranet");
        assertThat(own.match("Slackbot-LinkExpanding 1.0")).isEmpty();
    }

    @Test
    void aMalformedFileIsRefusedAtStartWithItsLine() {
        assertThatThrownBy(() -> PreviewAgents.read(file("slack Slackbot\nBad-Name x\n")))
                .hasMessageContaining("line 2")
                .hasMessageContaining("lower-case name");
        assertThatThrownBy(() -> PreviewAgents.read(file("slack (unclosed\n")))
                .hasMessageContaining("line 1")
                .hasMessageContaining("Unclosed group");
        assertThatThrownBy(() -> PreviewAgents.read(file("slack a\nslack b\n"))).hasMessageContaining("named twice");
        assertThatThrownBy(() -> PreviewAgents.read(file("lonely\n"))).hasMessageContaining("line 1");
    }

    @Test
    void anEmptyFileMatchesNobody() {
        assertThat(new PreviewAgents(Map.of()).match("Slackbot")).isEmpty();
    }

    private static ByteArrayResource file(String text) {
        return new ByteArrayResource(text.getBytes(StandardCharsets.UTF_8), "test file");
    }
}
