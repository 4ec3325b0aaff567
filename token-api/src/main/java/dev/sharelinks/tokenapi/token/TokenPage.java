package dev.sharelinks.tokenapi.token;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One page of a media's tokens, HAL-style as Keepeek's collections are: the items under {@code _embedded.item},
 * the total under {@code totalCount}, and {@code self}, {@code first}, {@code last}, {@code previous} and
 * {@code next} links (the last two only where such a page exists).
 */
record TokenPage(
        long totalCount,
        int page,
        int size,
        long pageCount,
        @JsonProperty("_links") Map<String, TokenResource.Link> links,
        @JsonProperty("_embedded") Map<String, List<TokenResource>> embedded) {}
