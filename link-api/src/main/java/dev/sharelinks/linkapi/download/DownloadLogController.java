package dev.sharelinks.linkapi.download;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.sharelinks.linkapi.link.LinkIds;
import dev.sharelinks.linkapi.security.AccountPrincipal;
import dev.sharelinks.linkapi.web.MediaPocketException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.dataformat.csv.CsvMapper;

/**
 * {@code GET /api/v2/shareable_links/{id}/downloads} (a Sharelinks extension): who downloaded the owner's link and
 * when, in time order, a page at a time ({@code limit}, then the {@code after} cursor of the page before, also in the
 * {@code Link: rel="next"} header), as JSON or, for {@code Accept: text/csv}, as CSV with the same columns.
 */
@RestController
class DownloadLogController {

    static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    /** A page size as a client writes one: at most nine digits, so that it parses as an int. */
    private static final Pattern PAGE_SIZE = Pattern.compile("[1-9][0-9]{0,8}");

    private final DownloadLog log;
    private final DownloadLogProperties properties;
    private final ObjectWriter csv;

    DownloadLogController(DownloadLog log, DownloadLogProperties properties) {
        this.log = log;
        this.properties = properties;
        CsvMapper mapper = new CsvMapper();
        this.csv = mapper.writer(mapper.schemaFor(CsvRow.class).withHeader());
    }

    /** A page of the log, as the JSON answer carries it. */
    record Page(
            List<Download> downloads,
            long total,
            long repeats,
            @JsonProperty("next_cursor") @Nullable String next) {}

    record Download(
            @JsonProperty("downloaded_at") Instant downloadedAt,
            @Nullable String recipient,
            @JsonProperty("client_address") @Nullable String clientAddress,
            @JsonProperty("user_agent") @Nullable String userAgent,
            int remaining) {}

    /**
     * A CSV line: the JSON entry's fields, text that a spreadsheet would run as a formula neutralised with a leading
     * quote (OWASP's advice on CSV injection: a user agent is whatever the downloader sent).
     */
    @JsonPropertyOrder({"downloaded_at", "recipient", "client_address", "user_agent", "remaining"})
    record CsvRow(
            @JsonProperty("downloaded_at") String downloadedAt,
            @Nullable String recipient,
            @JsonProperty("client_address") @Nullable String clientAddress,
            @JsonProperty("user_agent") @Nullable String userAgent,
            int remaining) {

        static CsvRow of(Download download) {
            return new CsvRow(
                    download.downloadedAt().toString(),
                    inert(download.recipient()),
                    inert(download.clientAddress()),
                    inert(download.userAgent()),
                    download.remaining());
        }

        private static @Nullable String inert(@Nullable String text) {
            return text != null && !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
        }
    }

    @GetMapping("/api/v2/shareable_links/{id}/downloads")
    Mono<ResponseEntity<?>> downloads(
            @AuthenticationPrincipal AccountPrincipal account,
            @PathVariable String id,
            @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String after,
            @RequestHeader(value = HttpHeaders.ACCEPT, required = false) @Nullable String accept) {
        long linkId = LinkIds.parse(id);
        int size = pageSize(limit);
        DownloadLog.Position from = after == null
                ? DownloadLog.Position.START
                : DownloadLog.Position.ofCursor(after, linkId)
                        .orElseThrow(() -> MediaPocketException.unprocessable(
                                "after must be the next_cursor of a page of this log"));
        boolean asCsv = wantsCsv(accept);
        return log.owned(account.accountId(), linkId)
                .flatMap(owned -> owned ? Mono.just(linkId) : Mono.error(LinkIds.notFound()))
                // one entry more than the page: whether there is a next page
                .flatMap(link -> log.page(link, from, size + 1))
                .map(found -> {
                    List<DownloadLog.Download> entries = found.downloads();
                    List<Download> page = entries.stream()
                            .limit(size)
                            .map(d -> new Download(
                                    d.position().occurredAt(),
                                    d.recipient(),
                                    d.clientAddress(),
                                    d.userAgent(),
                                    d.remaining()))
                            .toList();
                    Optional<String> next = entries.size() > size
                            ? Optional.of(entries.get(size - 1).position().cursor(linkId))
                            : Optional.empty();
                    ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
                    next.ifPresent(cursor -> answer.header(
                            HttpHeaders.LINK,
                            "<"
                                    + UriComponentsBuilder.fromPath("/api/v2/shareable_links/{id}/downloads")
                                            .queryParam("limit", size)
                                            .queryParam("after", cursor)
                                            .buildAndExpand(linkId)
                                            .toUriString()
                                    + ">; rel=\"next\""));
                    if (asCsv) {
                        return answer.contentType(CSV)
                                .header(
                                        HttpHeaders.CONTENT_DISPOSITION,
                                        ContentDisposition.attachment()
                                                .filename("link-" + linkId + "-downloads.csv")
                                                .build()
                                                .toString())
                                .body(csv.writeValueAsString(
                                        page.stream().map(CsvRow::of).toList()));
                    }
                    return answer.contentType(MediaType.APPLICATION_JSON)
                            .body(new Page(
                                    page,
                                    found.counts().downloads(),
                                    found.counts().repeats(),
                                    next.orElse(null)));
                });
    }

    private int pageSize(@Nullable String limit) {
        if (limit == null) {
            return properties.defaultPageSize();
        }
        // ASCII digits only: Integer.parseInt alone would also take "+2" or "٢"
        if (PAGE_SIZE.matcher(limit).matches()) {
            int size = Integer.parseInt(limit);
            if (size <= properties.maxPageSize()) {
                return size;
            }
        }
        throw MediaPocketException.unprocessable("limit must be an Integer from 1 to " + properties.maxPageSize());
    }

    /**
     * CSV when the client prefers it to JSON: a higher quality, or the same from a more specific range
     * ({@code text/csv} over {@code *}{@code /*}). JSON for anything else, no Accept header included.
     */
    private static boolean wantsCsv(@Nullable String accept) {
        if (accept == null) {
            return false;
        }
        List<MediaType> accepted;
        try {
            accepted = MediaType.parseMediaTypes(accept);
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
        Optional<MediaType> csvRange = bestRange(accepted, CSV);
        Optional<MediaType> jsonRange = bestRange(accepted, MediaType.APPLICATION_JSON);
        if (csvRange.isEmpty() || csvRange.get().getQualityValue() == 0) {
            return false;
        }
        if (jsonRange.isEmpty()) {
            return true;
        }
        int byQuality =
                Double.compare(csvRange.get().getQualityValue(), jsonRange.get().getQualityValue());
        return byQuality > 0 || (byQuality == 0 && specificity(csvRange.get()) > specificity(jsonRange.get()));
    }

    /** The client's most specific range that includes the type: the one whose quality applies to it. */
    private static Optional<MediaType> bestRange(List<MediaType> accepted, MediaType type) {
        return accepted.stream()
                .filter(range -> range.includes(type))
                .max((a, b) -> Integer.compare(specificity(a), specificity(b)));
    }

    private static int specificity(MediaType range) {
        return range.isWildcardType() ? 0 : range.isWildcardSubtype() ? 1 : 2;
    }
}
