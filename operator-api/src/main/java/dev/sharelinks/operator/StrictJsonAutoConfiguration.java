package dev.sharelinks.operator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.json.JsonMapper;

/**
 * Request bodies are read as strict UTF-8 ({@link StrictUtf8JsonDecoder}) with the application's JSON mapper, in
 * every service that takes JSON: it replaces the decoder Spring Boot's codec customizer set, which runs first.
 */
@AutoConfiguration(after = CodecsAutoConfiguration.class)
@ConditionalOnBean(JsonMapper.class)
public class StrictJsonAutoConfiguration {

    @Bean
    @Order(1)
    CodecCustomizer strictUtf8JsonDecoder(JsonMapper mapper) {
        return configurer -> configurer.defaultCodecs().jacksonJsonDecoder(new StrictUtf8JsonDecoder(mapper));
    }
}
