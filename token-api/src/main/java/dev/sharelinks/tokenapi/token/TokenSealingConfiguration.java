package dev.sharelinks.tokenapi.token;

import dev.sharelinks.sealing.Sealer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TokenSealingConfiguration {

    /** The sealer of token values; token-api does not start without a valid key. */
    @Bean
    Sealer tokenValueSealer(TokenSealingProperties properties) {
        return Sealer.configured(properties.keys(), "TOKEN_SEALING_KEYS (sharelinks.token-sealing.keys)");
    }
}
