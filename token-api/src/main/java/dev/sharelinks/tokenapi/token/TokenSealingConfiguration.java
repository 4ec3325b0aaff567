package dev.sharelinks.tokenapi.token;

import dev.sharelinks.sealing.Sealer;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TokenSealingConfiguration {

    /** The sealer of token values; token-api does not start without a valid key. */
    @Bean
    Sealer tokenValueSealer(TokenSealingProperties properties) {
        try {
            return Sealer.of(properties.keys() == null ? List.of() : properties.keys());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("TOKEN_SEALING_KEYS (sharelinks.token-sealing.keys): " + e.getMessage(), e);
        }
    }
}
