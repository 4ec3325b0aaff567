package dev.sharelinks.mailer.delivery;

import dev.sharelinks.messaging.kafka.DeadLetters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
class MailerKafkaConfiguration {

    /**
     * Unlike the other consumers, the mailer retries without a deadline: while the SMTP server is down every mail
     * has to wait for it anyway, and giving up would lose mail. Only records that are not events, and events
     * with recipients the server refused for good, go to the dead-letter topic.
     */
    @Bean
    CommonErrorHandler kafkaErrorHandler(KafkaTemplate<String, byte[]> kafka, MailerProperties properties) {
        ExponentialBackOff backOff =
                new ExponentialBackOff(properties.retryInitialInterval().toMillis(), 2.0);
        backOff.setMaxInterval(properties.retryMaxInterval().toMillis());
        return DeadLetters.errorHandler(kafka, backOff, RecipientsRefused.class);
    }
}
