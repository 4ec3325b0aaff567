package dev.sharelinks.linkapi.security;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.linkapi.LinkApiProperties;
import dev.sharelinks.operator.AdminRefusals;
import dev.sharelinks.operator.AdminTokens;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The MediaPocket API authenticates with {@code X-API-KEY}; the admin API with {@code Authorization: Bearer} and
 * the configured admin token. Stateless: nothing is remembered between requests. Refusals answer 401
 * {@code {"error":"Unauthorized"}} in the contract's format.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String API_KEY_HEADER = "X-API-KEY";

    @Bean
    Secrets secrets() {
        return new Secrets();
    }

    @Bean
    SecurityWebFilterChain securityFilterChain(
            ServerHttpSecurity http, DatabaseClient db, LinkApiProperties properties) {
        AuthenticationWebFilter credentials = new AuthenticationWebFilter(authenticationManager(db, properties));
        credentials.setServerAuthenticationConverter(SecurityConfiguration::presentedCredentials);
        credentials.setAuthenticationFailureHandler(
                (filterExchange, failure) -> refuse(filterExchange.getExchange(), HttpStatus.UNAUTHORIZED));
        credentials.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                // Spring Security's defaults (nosniff, no-store, frame denial) and no referrer: answers carry
                // capabilities
                .headers(headers -> headers.referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .addFilterAt(credentials, SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(
                                "/actuator/health/**", "/actuator/health", "/actuator/info", "/actuator/prometheus")
                        .permitAll()
                        // the OpenAPI description of the public API (static/openapi/)
                        .pathMatchers(HttpMethod.GET, "/openapi/*.yaml")
                        .permitAll()
                        .pathMatchers("/admin/**")
                        .hasRole("ADMIN")
                        .pathMatchers("/api/**")
                        .hasRole("ACCOUNT")
                        .anyExchange()
                        .denyAll())
                .exceptionHandling(errors -> errors.authenticationEntryPoint(
                                (exchange, e) -> refuse(exchange, HttpStatus.UNAUTHORIZED))
                        .accessDeniedHandler((exchange, e) -> refuse(exchange, HttpStatus.FORBIDDEN)))
                .build();
    }

    private static Mono<org.springframework.security.core.Authentication> presentedCredentials(
            ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        String apiKey = headers.getFirst(API_KEY_HEADER);
        if (apiKey != null) {
            return Mono.just(new PreAuthenticatedAuthenticationToken(Kind.API_KEY, apiKey));
        }
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Mono.just(new PreAuthenticatedAuthenticationToken(Kind.ADMIN_TOKEN, authorization.substring(7)));
        }
        return Mono.empty();
    }

    private static ReactiveAuthenticationManager authenticationManager(
            DatabaseClient db, LinkApiProperties properties) {
        AdminTokens adminTokens = AdminTokens.of(
                properties.adminToken(),
                properties.adminTokensFile(),
                properties.adminTokensReload(),
                Clock.systemUTC());
        return authentication -> {
            String presented = String.valueOf(authentication.getCredentials());
            if (authentication.getPrincipal() == Kind.ADMIN_TOKEN) {
                if (adminTokens.matches(presented)) {
                    return Mono.just(new PreAuthenticatedAuthenticationToken(
                            "admin", null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
                }
                return Mono.error(new BadCredentialsException("wrong admin token"));
            }
            byte[] digest = CapabilityDigests.sha256(presented);
            // marks the key used, at most once a minute: a rotation lists which old key clients still send
            return db.sql("""
                            WITH key AS (
                                SELECT k.id, k.key_hash, a.id AS account_id, a.bucket
                                FROM api_keys k JOIN accounts a ON a.id = k.account_id
                                WHERE k.key_hash = :hash AND k.revoked_at IS NULL
                            ), used AS (
                                UPDATE api_keys SET last_used_at = now() FROM key
                                WHERE api_keys.id = key.id
                                  AND (api_keys.last_used_at IS NULL OR api_keys.last_used_at < now() - interval '1 minute')
                            )
                            SELECT key_hash, account_id AS id, bucket FROM key""")
                    .bind("hash", digest)
                    .map(row -> new StoredKey(
                            row.get("key_hash", byte[].class),
                            new AccountPrincipal(row.get("id", Long.class), row.get("bucket", String.class))))
                    .one()
                    // the index lookup found the digest; compare it once more in constant time all the same
                    .filter(stored -> Secrets.matches(presented, stored.digest()))
                    .map(stored ->
                            (org.springframework.security.core.Authentication) new PreAuthenticatedAuthenticationToken(
                                    stored.account(), null, AuthorityUtils.createAuthorityList("ROLE_ACCOUNT")))
                    // made only for a key that is unknown: an exception fills in its stack trace when constructed
                    .switchIfEmpty(Mono.error(() -> new BadCredentialsException("unknown API key")));
        };
    }

    private static Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status) {
        if (AdminRefusals.covers(exchange)) {
            return AdminRefusals.refuse(exchange, status);
        }
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        DataBuffer body = response.bufferFactory()
                .wrap(("{\"error\":\"" + status.getReasonPhrase() + "\"}").getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(body));
    }

    private enum Kind {
        API_KEY,
        ADMIN_TOKEN
    }

    @SuppressWarnings("ArrayRecordComponent") // never compared as a whole: the digest is, in constant time
    private record StoredKey(byte[] digest, AccountPrincipal account) {}
}
