package dev.sharelinks.tokenapi;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TokenApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(TokenApiApplication.class, args);
    }
}
