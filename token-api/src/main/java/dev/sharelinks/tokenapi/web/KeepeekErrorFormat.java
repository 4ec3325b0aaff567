package dev.sharelinks.tokenapi.web;

import dev.sharelinks.operator.VendorErrorFormat;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Under {@code /api/dam}, what no Keepeek controller answered is still {@code {"status", "code", "message"}}. */
@Configuration(proxyBeanMethods = false)
class KeepeekErrorFormat {

    @Bean
    VendorErrorFormat keepeekErrors() {
        return new VendorErrorFormat("/api/dam", KeepeekError::of);
    }
}
