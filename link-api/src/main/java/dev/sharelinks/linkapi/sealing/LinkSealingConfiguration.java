package dev.sharelinks.linkapi.sealing;

import dev.sharelinks.sealing.Sealer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class LinkSealingConfiguration {

    /** The sealer of link keys, share URLs, idempotent answers and webhook secrets; no start without a valid key. */
    @Bean
    Sealer linkSealer(LinkSealingProperties properties) {
        return Sealer.configured(properties.keys(), "LINK_SEALING_KEYS (sharelinks.link-sealing.keys)");
    }
}
