package dev.sharelinks.operator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Request bodies are read as strict UTF-8 ({@link StrictUtf8JsonDecoder}) with the application's JSON mapper, in
 * every service that takes JSON: it replaces the decoder Spring Boot's codec customizer set, which runs first. An
 * object with a name twice is malformed there too (I-JSON, RFC 7493): Jackson would keep the last value, and a proxy
 * or log that reads the first would see another request than the one served. A body with a content coding is
 * refused before it is read ({@link UnsupportedContentCodings}).
 */
@AutoConfiguration(after = CodecsAutoConfiguration.class)
@ConditionalOnBean(JsonMapper.class)
public class StrictJsonAutoConfiguration {

    @Bean
    @Order(1)
    CodecCustomizer strictUtf8JsonDecoder(JsonMapper mapper) {
        JsonMapper strict = mapper.rebuild()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return configurer -> configurer.defaultCodecs().jacksonJsonDecoder(new StrictUtf8JsonDecoder(strict));
    }

    @Bean
    UnsupportedContentCodings unsupportedContentCodings() {
        return new UnsupportedContentCodings();
    }
}
