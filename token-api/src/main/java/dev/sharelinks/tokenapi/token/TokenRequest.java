package dev.sharelinks.tokenapi.token;

import dev.sharelinks.events.ExportDefinition;
import dev.sharelinks.operator.StorableText;
import dev.sharelinks.tokenapi.web.KeepeekException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A create (POST) or full replacement (PUT) of a share token, read and checked from the JSON body. Every problem
 * is collected so that one 400 names them all. Read-only attributes of the token's own representation
 * ({@code active}, {@code createDate}...) are tolerated so a client may PUT back what it GOT; anything else unknown
 * is refused, so a misspelt attribute is never silently erased.
 *
 * @param tokenValue only when a client imports a token with its existing value; otherwise one is generated
 */
record TokenRequest(
        String title,
        ExportDefinition exportDefinition,
        @Nullable String suffix,
        boolean manualActivate,
        @Nullable Instant activationDate,
        @Nullable Instant deactivationDate,
        @Nullable Long templateId,
        @Nullable Long templateDomainId,
        @Nullable String tokenValue) {

    static final int MAX_TITLE = 255;
    static final int MAX_SUFFIX = 255;
    /**
     * Characters a URL may carry as they are (RFC 3986 unreserved, sub-delimiters, {@code :@/?}), so the public URL
     * is the value and the suffix verbatim, every client sends it unchanged, and the redirector can decode it exactly.
     * Not {@code #} (never reaches a server) nor {@code %} (it would make decoding ambiguous).
     */
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@/?-]+");

    static final Pattern TOKEN_VALUE = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    private static final Set<String> WRITABLE = Set.of(
            "title",
            "exportDefinition",
            "suffix",
            "manualActivate",
            "activationDate",
            "deactivationDate",
            "templateId",
            "templateDomainId",
            "tokenValue");
    private static final Set<String> READ_ONLY = Set.of(
            "id",
            "active",
            "isManualActive",
            "createUser",
            "createDate",
            "creationDate",
            "updateDate",
            "mediaId",
            "publicUrl",
            "_links");
    /**
     * ISO-8601 with an offset; {@code +0000} (no colon) too, as some clients write it. Strict: February 30th is an
     * error, not quietly the 28th.
     */
    /**
     * Dates a DAM user can mean, and that print as RFC 3339 (a year of five digits would print as {@code +99999-...}).
     */
    private static final Instant EARLIEST = Instant.EPOCH;

    private static final Instant AFTER_LATEST =
            LocalDate.of(10000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart()
            .appendOffset("+HH:MM", "Z")
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HHMM", "Z")
            .optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    /** POST: {@code title}, {@code exportDefinition}, {@code templateId} and {@code templateDomainId} are required. */
    static TokenRequest forCreate(@Nullable JsonNode body) {
        return read(body, true);
    }

    /**
     * PUT: the complete representation. {@code title} and {@code exportDefinition} are required; the template is
     * not among the contract's updatable attributes, so it is kept unless one is named.
     */
    static TokenRequest forReplace(@Nullable JsonNode body) {
        return read(body, false);
    }

    private static TokenRequest read(@Nullable JsonNode body, boolean create) {
        if (body == null || !body.isObject()) {
            throw KeepeekException.invalid("The request body must be a JSON object");
        }
        Problems problems = new Problems();
        List<String> unknown = body.propertyNames().stream()
                .filter(name -> !WRITABLE.contains(name) && !READ_ONLY.contains(name))
                .sorted()
                .toList();
        if (!unknown.isEmpty()) {
            problems.invalid("Unknown attributes: " + String.join(", ", unknown));
        }
        String title = title(body, problems);
        ExportDefinition exportDefinition = exportDefinition(body, problems);
        String suffix = suffix(body, problems);
        boolean manualActivate = Boolean.TRUE.equals(problems.bool(body, "manualActivate"));
        Instant activationDate = problems.dateTime(body, "activationDate");
        Instant deactivationDate = problems.dateTime(body, "deactivationDate");
        if (activationDate != null && deactivationDate != null && !activationDate.isBefore(deactivationDate)) {
            problems.invalid("activationDate must be before deactivationDate");
        }
        Long templateId = problems.id(body, "templateId", create);
        Long templateDomainId = problems.id(body, "templateDomainId", create);
        String tokenValue = tokenValue(body, problems);
        problems.throwIfAny();
        // throwIfAny refused a missing or invalid title or exportDefinition
        return new TokenRequest(
                Objects.requireNonNull(title, "title"),
                Objects.requireNonNull(exportDefinition, "exportDefinition"),
                suffix,
                manualActivate,
                activationDate,
                deactivationDate,
                templateId,
                templateDomainId,
                tokenValue);
    }

    /** A string, or Keepeek's localized form {@code [{"type": "string", "value": "..."}]}, of which the first value counts. */
    private static @Nullable String title(JsonNode body, Problems problems) {
        JsonNode value = present(body, "title");
        if (value == null) {
            problems.missing("title");
            return null;
        }
        if (value.isArray() && !value.isEmpty() && value.get(0).isObject()) {
            value = present(value.get(0), "value");
        }
        if (value == null || !value.isString()) {
            problems.invalid("title must be a string (or [{\"value\": \"...\"}])");
            return null;
        }
        String title = value.stringValue().strip();
        if (title.isEmpty()
                || title.length() > MAX_TITLE
                || title.chars().anyMatch(Character::isISOControl)
                || !StorableText.isStorable(title)) {
            problems.invalid("title must be 1 to " + MAX_TITLE + " characters on one line");
            return null;
        }
        return title;
    }

    private static @Nullable ExportDefinition exportDefinition(JsonNode body, Problems problems) {
        JsonNode value = present(body, "exportDefinition");
        if (value == null) {
            problems.missing("exportDefinition");
            return null;
        }
        if (value.isString()) {
            for (ExportDefinition definition : ExportDefinition.values()) {
                if (definition.name().equals(value.stringValue())) {
                    return definition;
                }
            }
        }
        problems.invalid("exportDefinition must be one of " + Arrays.toString(ExportDefinition.values()));
        return null;
    }

    private static @Nullable String suffix(JsonNode body, Problems problems) {
        JsonNode value = present(body, "suffix");
        if (value == null || (value.isString() && value.stringValue().isEmpty())) {
            return null;
        }
        if (!value.isString()
                || value.stringValue().length() > MAX_SUFFIX
                || !SUFFIX.matcher(value.stringValue()).matches()) {
            problems.invalid("suffix must be up to " + MAX_SUFFIX
                    + " characters a URL carries as they are: letters, digits and -._~!$&'()*+,;=:@/?");
            return null;
        }
        if (hasDotSegment(value.stringValue())) {
            problems.invalid("suffix must not hold a '.' or '..' path segment: clients would resolve it away");
            return null;
        }
        return value.stringValue();
    }

    /** After the value, a path segment of {@code .} or {@code ..} (before any {@code ?}) would be normalized away. */
    private static boolean hasDotSegment(String suffix) {
        int query = suffix.indexOf('?');
        String[] segments = (query < 0 ? suffix : suffix.substring(0, query)).split("/", -1);
        return Arrays.stream(segments).skip(1).anyMatch(segment -> segment.equals(".") || segment.equals(".."));
    }

    private static @Nullable String tokenValue(JsonNode body, Problems problems) {
        JsonNode value = present(body, "tokenValue");
        if (value == null) {
            return null;
        }
        if (!value.isString()
                || !TOKEN_VALUE.matcher(value.stringValue()).matches()
                || value.stringValue().chars().allMatch(Character::isDigit)) {
            problems.invalid("tokenValue must be 16 to 128 letters, digits, '-' or '_', not only digits");
            return null;
        }
        return value.stringValue();
    }

    /** The attribute, or null when it is absent or JSON null (both mean "left out"). */
    private static @Nullable JsonNode present(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    private static final class Problems {

        private final List<String> missing = new ArrayList<>();
        private final List<String> invalid = new ArrayList<>();

        void missing(String name) {
            missing.add(name);
        }

        void invalid(String problem) {
            invalid.add(problem);
        }

        @Nullable
        Boolean bool(JsonNode body, String name) {
            JsonNode value = present(body, name);
            if (value == null) {
                return null;
            }
            if (!value.isBoolean()) {
                invalid(name + " must be true or false");
                return null;
            }
            return value.booleanValue();
        }

        @Nullable
        Instant dateTime(JsonNode body, String name) {
            JsonNode value = present(body, name);
            if (value == null) {
                return null;
            }
            if (value.isString()) {
                try {
                    Instant instant =
                            OffsetDateTime.parse(value.stringValue(), DATE_TIME).toInstant();
                    if (instant.isBefore(EARLIEST) || !instant.isBefore(AFTER_LATEST)) {
                        invalid(name + " must be in the years 1970 to 9999");
                        return null;
                    }
                    return instant;
                } catch (DateTimeParseException e) {
                    // falls through to the message below
                }
            }
            invalid(name + " must be an ISO-8601 date-time with an offset, such as 2021-08-16T12:14:03Z");
            return null;
        }

        @Nullable
        Long id(JsonNode body, String name, boolean required) {
            JsonNode value = present(body, name);
            if (value == null) {
                if (required) {
                    missing(name);
                }
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1) {
                invalid(name + " must be a positive integer");
                return null;
            }
            return value.longValue();
        }

        void throwIfAny() {
            List<String> parts = new ArrayList<>();
            if (!missing.isEmpty()) {
                parts.add("Missing attributes: " + String.join(", ", missing));
            }
            parts.addAll(invalid);
            if (!parts.isEmpty()) {
                throw KeepeekException.invalid(String.join("; ", parts));
            }
        }
    }
}
