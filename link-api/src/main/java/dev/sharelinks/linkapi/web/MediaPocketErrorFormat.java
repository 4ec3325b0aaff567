package dev.sharelinks.linkapi.web;

import dev.sharelinks.operator.VendorErrorFormat;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Under {@code /api/v2}, what no MediaPocket controller answered is still {@code {"error": "..."}}. */
@Configuration(proxyBeanMethods = false)
class MediaPocketErrorFormat {

    @Bean
    VendorErrorFormat mediaPocketErrors() {
        return new VendorErrorFormat("/api/v2", MediaPocketError::of);
    }
}
