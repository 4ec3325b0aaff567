package dev.sharelinks.redirector.redeem;

import dev.sharelinks.redirector.page.RefusalPages;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/v2/shareable_links/:key}: a landing page's form (a Sharelinks extension; MediaPocket has no
 * such route). The page posts to its own URL, {@code application/x-www-form-urlencoded} with {@code nonce} and,
 * for a password-protected link, {@code password}. A body of another type reads as a form without fields, and so
 * does one no page's form sends: an invalid escape, or more than the codecs buffer
 * ({@code spring.http.codecs.max-in-memory-size}).
 */
@RestController
class LandingFormController {

    private static final MultiValueMap<String, String> NO_FIELDS =
            CollectionUtils.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

    private final LandingForms forms;
    private final RefusalPages refusals;

    LandingFormController(LandingForms forms, RefusalPages refusals) {
        this.forms = forms;
        this.refusals = refusals;
    }

    @PostMapping(LinkRedeems.PATH)
    Mono<ResponseEntity<String>> submit(@PathVariable String key, ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        return exchange.getFormData()
                .onErrorResume(LandingFormController::unreadableForm, unreadable -> Mono.just(NO_FIELDS))
                .flatMap(fields -> forms.submit(new LandingForms.Submission(
                        key,
                        first(fields, "nonce"),
                        first(fields, "password"),
                        ClientAddress.of(request),
                        request.getHeaders().getFirst(HttpHeaders.USER_AGENT),
                        request.getHeaders().getFirst(HttpHeaders.COOKIE),
                        // the page's form has no action: it posts to the page's URL, the recipient's reference included
                        RecipientRefs.wellFormed(request.getQueryParams().getFirst(RecipientRefs.PARAMETER)),
                        request.getHeaders().getFirst(HttpHeaders.ACCEPT_LANGUAGE))))
                // a form posted to a link that no longer works: the browser that posted it gets the page
                .map(answer -> refusals.forVisitor(
                        answer,
                        PublicRoute.LINK.pages(),
                        request.getHeaders().getFirst(HttpHeaders.ACCEPT),
                        request.getHeaders().getFirst(HttpHeaders.ACCEPT_LANGUAGE)));
    }

    /** As the link's GET answers a failure ({@link FailureAnswers}). */
    @ExceptionHandler
    ResponseEntity<String> failed(Exception failure) {
        return FailureAnswers.answerFor(failure, PublicRoute.LINK);
    }

    /** What reading a form body throws for a body that is not one: URLDecoder's refusal, or too many bytes. */
    private static boolean unreadableForm(Throwable failure) {
        return failure instanceof IllegalArgumentException || failure instanceof DataBufferLimitException;
    }

    private static @Nullable String first(MultiValueMap<String, String> fields, String name) {
        return fields.getFirst(name);
    }
}
