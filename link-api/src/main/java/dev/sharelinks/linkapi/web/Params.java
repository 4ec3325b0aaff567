package dev.sharelinks.linkapi.web;

import dev.sharelinks.operator.StorableText;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads named parameters out of a JSON request body the way the MediaPocket contract types them, collecting every
 * problem so that one 422 names them all: {@code Missing parameters: a, b; limit must be an Integer}.
 */
public final class Params {

    private static final Pattern DIGITS = Pattern.compile("-?\\d{1,19}");

    private final List<String> missing = new ArrayList<>();
    private final List<String> unknown = new ArrayList<>();
    private final List<String> invalid = new ArrayList<>();

    /** The child of {@code node} named {@code name}; absent and JSON {@code null} are both "missing". */
    public static @Nullable JsonNode child(@Nullable JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    public @Nullable String requiredString(@Nullable JsonNode parent, String field, String label) {
        JsonNode value = child(parent, field);
        if (value == null) {
            missing.add(label);
            return null;
        }
        return string(value, label);
    }

    public @Nullable String optionalString(@Nullable JsonNode parent, String field, String label) {
        JsonNode value = child(parent, field);
        return value == null ? null : string(value, label);
    }

    /** A JSON {@code true} or {@code false}; null when absent. */
    public @Nullable Boolean optionalBoolean(@Nullable JsonNode parent, String field, String label) {
        JsonNode value = child(parent, field);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            invalid.add(label + " must be a Boolean");
            return null;
        }
        return value.booleanValue();
    }

    /** An Integer as the contract means it: a JSON integer, or a string of digits as a form client sends. */
    public OptionalLong requiredInteger(@Nullable JsonNode parent, String field, String label) {
        JsonNode value = child(parent, field);
        if (value == null) {
            missing.add(label);
            return OptionalLong.empty();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return OptionalLong.of(value.longValue());
        }
        if (value.isString() && DIGITS.matcher(value.stringValue().strip()).matches()) {
            return OptionalLong.of(Long.parseLong(value.stringValue().strip()));
        }
        invalid.add(label + " must be an Integer");
        return OptionalLong.empty();
    }

    public OptionalInt requiredInt(@Nullable JsonNode parent, String field, String label) {
        OptionalLong value = requiredInteger(parent, field, label);
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        if (value.getAsLong() < Integer.MIN_VALUE || value.getAsLong() > Integer.MAX_VALUE) {
            invalid.add(label + " is out of range");
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) value.getAsLong());
    }

    public @Nullable JsonNode requiredHash(@Nullable JsonNode parent, String field, String label) {
        JsonNode value = child(parent, field);
        if (value == null) {
            missing.add(label);
            return null;
        }
        if (!value.isObject()) {
            invalid.add(label + " must be a Hash");
            return null;
        }
        return value;
    }

    public @Nullable JsonNode array(@Nullable JsonNode parent, String field, String label, boolean required) {
        JsonNode value = child(parent, field);
        if (value == null) {
            if (required) {
                missing.add(label);
            }
            return null;
        }
        if (!value.isArray()) {
            invalid.add(label + " must be an array");
            return null;
        }
        return value;
    }

    /**
     * Notes every parameter of {@code parent} that is not in {@code known}: a misspelt optional parameter would
     * otherwise be dropped without a word. {@code prefix} labels nested ones ({@code payload[x]}).
     */
    public void onlyKnown(@Nullable JsonNode parent, @Nullable String prefix, Set<String> known) {
        if (parent == null || !parent.isObject()) {
            return;
        }
        for (String name : parent.propertyNames()) {
            if (!known.contains(name)) {
                unknown.add(prefix == null ? name : prefix + "[" + name + "]");
            }
        }
    }

    public void invalid(String problem) {
        invalid.add(problem);
    }

    /** Throws a 422 naming every missing and invalid parameter, if there is any. */
    public void throwIfAny() {
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("Missing parameters: " + String.join(", ", missing));
        }
        if (!unknown.isEmpty()) {
            parts.add("Unknown parameters: "
                    + String.join(", ", unknown.stream().map(Params::printable).toList()));
        }
        parts.addAll(invalid);
        if (!parts.isEmpty()) {
            throw MediaPocketException.unprocessable(String.join("; ", parts));
        }
    }

    /** A name or value from the request, echoed without control characters and at a readable length. */
    public static String printable(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    private @Nullable String string(JsonNode value, String label) {
        if (!value.isString()) {
            invalid.add(label + " must be a String");
            return null;
        }
        String text = value.stringValue();
        if (!StorableText.isStorable(text)) {
            invalid.add(label + " must not contain NUL or unpaired surrogates");
            return null;
        }
        return text;
    }
}
