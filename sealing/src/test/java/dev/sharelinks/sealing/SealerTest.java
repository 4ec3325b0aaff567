package dev.sharelinks.sealing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SealerTest {

    private static final String OLD = "k1:" + key(1);
    private static final String NEW = "k2:" + key(2);

    @Test
    void aSealedValueOpensAndHoldsNothingOfTheValue() {
        Sealer sealer = Sealer.of(List.of(NEW));

        String sealed = sealer.seal("Qm9uam91cl9sZV9tb25kZV9zaGFyZQ");

        assertThat(sealed).startsWith("k2:").doesNotContain("Qm9uam91cl9sZV9tb25kZV9zaGFyZQ");
        assertThat(sealer.open(sealed)).isEqualTo("Qm9uam91cl9sZV9tb25kZV9zaGFyZQ");
        // a fresh IV each time: equal values do not show as equal at rest
        assertThat(sealer.seal("Qm9uam91cl9sZV9tb25kZV9zaGFyZQ")).isNotEqualTo(sealed);
        assertThat(sealer.open(sealer.seal("é ✓ ?suffix"))).isEqualTo("é ✓ ?suffix");
    }

    @Test
    void afterARotationTheNewKeySealsTheOldOneStillOpensAndWhatItSealedIsToReseal() {
        String sealedBefore = Sealer.of(List.of(OLD)).seal("value");
        Sealer rotated = Sealer.of(List.of(NEW, OLD));

        assertThat(rotated.open(sealedBefore)).isEqualTo("value");
        assertThat(sealedBefore).startsWith("k1:");
        assertThat(rotated.seal(rotated.open(sealedBefore))).startsWith("k2:");
        assertThat(rotated.sealingKeyId()).isEqualTo("k2");

        // once the old key is dropped, what it sealed no longer opens
        assertThatThrownBy(() -> Sealer.of(List.of(NEW)).open(sealedBefore))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not listed");
    }

    @Test
    void aChangedSealedValueOrAnotherKeysIsRefused() {
        Sealer sealer = Sealer.of(List.of(NEW));
        String sealed = sealer.seal("value");
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(3));
        bytes[bytes.length - 1] ^= 1;

        assertThatThrownBy(() -> sealer.open("k2:" + Base64.getEncoder().encodeToString(bytes)))
                .isInstanceOf(IllegalArgumentException.class);
        // the same id, another key: the tag does not match
        assertThatThrownBy(() -> Sealer.of(List.of("k2:" + key(3))).open(sealed))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sealer.open("value")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysThatCannotSealAreRefusedAtStartWithWhatIsWrong() {
        assertThatThrownBy(() -> Sealer.of(List.of())).hasMessageContaining("no sealing key");
        assertThatThrownBy(() -> Sealer.of(List.of(" "))).hasMessageContaining("no sealing key");
        assertThatThrownBy(() -> Sealer.of(List.of(key(1)))).hasMessageContaining("id:base64");
        assertThatThrownBy(() -> Sealer.of(List.of("k1:not base64!"))).hasMessageContaining("not base64");
        assertThatThrownBy(() -> Sealer.of(List.of("k1:" + Base64.getEncoder().encodeToString(new byte[16]))))
                .hasMessageContaining("16 bytes, not 32");
        assertThatThrownBy(() -> Sealer.of(List.of(OLD, "k1:" + key(2)))).hasMessageContaining("listed twice");
    }

    private static String key(int seed) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) seed);
        return Base64.getEncoder().encodeToString(key);
    }
}
