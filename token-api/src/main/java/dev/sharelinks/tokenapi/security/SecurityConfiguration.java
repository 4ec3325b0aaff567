package dev.sharelinks.tokenapi.security;

import dev.sharelinks.operator.AdminRefusals;
import dev.sharelinks.operator.AdminTokens;
import dev.sharelinks.tokenapi.TokenApiProperties;
import dev.sharelinks.tokenapi.web.KeepeekError;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Keepeek API authenticates DAM users with HTTP Basic, as Keepeek does; the admin API (users, rights, medias,
 * templates) takes {@code Authorization: Bearer <admin token>}. Stateless. The Keepeek API's refusals answer in its
 * error format: 401 {@code unauthorized} with a {@code WWW-Authenticate} challenge, 403
 * {@code share-token-operation-forbidden}; the admin API's as its problem details ({@link AdminRefusals}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    SecurityWebFilterChain securityFilterChain(
            ServerHttpSecurity http, DatabaseClient db, PasswordEncoder passwords, TokenApiProperties properties) {
        AdminTokens adminTokens = AdminTokens.of(
                properties.adminToken(),
                properties.adminTokensFile(),
                properties.adminTokensReload(),
                Clock.systemUTC());
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                // Spring Security's defaults (nosniff, no-store, frame denial) and no referrer: answers carry
                // capabilities
                .headers(headers -> headers.referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .httpBasic(basic -> basic.authenticationManager(new DamUserAuthentication(
                                db, passwords, VerifiedPasswords.rememberedFor(properties.verifiedPasswordWindow())))
                        .authenticationEntryPoint((exchange, e) -> unauthorized(exchange)))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(
                                "/actuator/health/**", "/actuator/health", "/actuator/info", "/actuator/prometheus")
                        .permitAll()
                        // the OpenAPI description of the public API (static/openapi/)
                        .pathMatchers(HttpMethod.GET, "/openapi/*.yaml")
                        .permitAll()
                        .pathMatchers("/admin/**")
                        .access((authentication, context) ->
                                Mono.just(new AuthorizationDecision(adminTokens.presentedIn(context.getExchange()
                                        .getRequest()
                                        .getHeaders()
                                        .getFirst(HttpHeaders.AUTHORIZATION)))))
                        .pathMatchers("/api/**")
                        .hasRole("USER")
                        .anyExchange()
                        .denyAll())
                .exceptionHandling(errors -> errors.authenticationEntryPoint((exchange, e) -> unauthorized(exchange))
                        .accessDeniedHandler((exchange, e) -> AdminRefusals.covers(exchange)
                                ? AdminRefusals.refuse(exchange, HttpStatus.FORBIDDEN)
                                : write(
                                        exchange,
                                        new KeepeekError(
                                                403,
                                                "share-token-operation-forbidden",
                                                "You may not perform this operation"))))
                .build();
    }

    private static Mono<Void> unauthorized(ServerWebExchange exchange) {
        if (AdminRefusals.covers(exchange)) {
            return AdminRefusals.refuse(exchange, HttpStatus.UNAUTHORIZED);
        }
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Sharelinks\"");
        return write(
                exchange,
                new KeepeekError(
                        401, "unauthorized", "Authenticate with HTTP Basic (login and password of a DAM user)"));
    }

    private static Mono<Void> write(ServerWebExchange exchange, KeepeekError error) {
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.valueOf(error.status()));
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(JSON.writeValueAsBytes(error))));
    }
}
