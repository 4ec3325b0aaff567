package dev.sharelinks.linkapi.share;

import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.linkapi.web.Params;
import dev.sharelinks.operator.DisplayText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A validated {@code POST /api/v2/shareable_links/share} body.
 *
 * @param linkIds the ids that look like ids; anything else in {@code shareable_link_ids} can match no link, so
 *     the request ends as "No shareable links found", as the contract's example shows for {@code "invalid_id"}
 * @param allIdsWellFormed false if some entry could not be a link id
 * @param senderName the extension {@code sender_name}: who the mail says shared, besides the account
 * @param replyTo the extension {@code reply_to}: where recipients' replies go
 * @param locale the extension {@code locale}: the mail's language, one of {@link ShareRequested#LOCALES}; null for
 *     the account's
 */
record ShareRequest(
        List<String> recipients,
        @Nullable String message,
        List<Long> linkIds,
        boolean allIdsWellFormed,
        @Nullable String senderName,
        @Nullable String replyTo,
        @Nullable String locale) {

    static final int MAX_MESSAGE_LENGTH = 5000;
    static final int MAX_SENDER_NAME_LENGTH = 100;
    /** RFC 5321's limit of an address's local part: a server may refuse a longer one, after the share answered. */
    private static final int MAX_LOCAL_PART_LENGTH = 64;
    /**
     * A deliberately plain address: ASCII local part and domain, no quoting, no comments, no whitespace, so that
     * nothing a recipient field holds can reach a mail header as anything but an address.
     */
    private static final Pattern ADDRESS =
            Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    private static final Pattern ID = Pattern.compile("\\d{1,18}");

    static ShareRequest from(@Nullable JsonNode body, int maxRecipients, int maxLinks) {
        Params params = new Params();
        params.onlyKnown(
                body, null, Set.of("recipients", "message", "shareable_link_ids", "sender_name", "reply_to", "locale"));
        JsonNode recipientsNode = params.array(body, "recipients", "recipients", true);
        String message = params.optionalString(body, "message", "message");
        JsonNode idsNode = params.array(body, "shareable_link_ids", "shareable_link_ids", false);
        String senderName = params.optionalString(body, "sender_name", "sender_name");
        String replyTo = params.optionalString(body, "reply_to", "reply_to");
        String localeTag = params.optionalString(body, "locale", "locale");

        // by the address as servers compare it (the domain's case never matters; the local part's, by RFC 5321, is the
        // receiving server's business, so it is delivered as given and only duplicates differing in case are dropped)
        Map<String, String> recipients = new LinkedHashMap<>();
        if (recipientsNode != null) {
            if (recipientsNode.isEmpty()) {
                params.invalid("recipients must not be empty");
            } else if (recipientsNode.size() > maxRecipients) {
                params.invalid("recipients must name at most " + maxRecipients + " addresses");
            } else {
                List<String> invalid = new ArrayList<>();
                for (JsonNode recipient : recipientsNode.values()) {
                    String address =
                            recipient.isString() ? recipient.stringValue().strip() : null;
                    if (address == null
                            || address.length() > 254
                            || !ADDRESS.matcher(address).matches()
                            || address.lastIndexOf('@') > MAX_LOCAL_PART_LENGTH) {
                        invalid.add(recipient.isString() ? recipient.stringValue() : recipient.toString());
                    } else {
                        recipients.putIfAbsent(address.toLowerCase(Locale.ROOT), asDelivered(address));
                    }
                }
                if (!invalid.isEmpty()) {
                    params.invalid("recipients must be e-mail addresses; invalid: "
                            + String.join(
                                    ", ",
                                    invalid.stream()
                                            .map(value -> '"' + Params.printable(value) + '"')
                                            .toList()));
                }
            }
        }
        if (message != null && message.length() > MAX_MESSAGE_LENGTH) {
            params.invalid("message must be at most " + MAX_MESSAGE_LENGTH + " characters");
        } else if (message != null
                && message.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
            // line breaks and tabs are a message's; BEL, ESC and the like would reach the recipient's mail
            params.invalid("message must not contain control characters other than line breaks and tabs");
        }
        if (senderName != null) {
            senderName = senderName.strip();
            if (senderName.isEmpty()
                    || DisplayText.length(senderName) > MAX_SENDER_NAME_LENGTH
                    || DisplayText.misleads(senderName)) {
                // it reaches the mail's Subject and From: one line, short enough to read there, and read as written
                params.invalid("sender_name must be 1 to " + MAX_SENDER_NAME_LENGTH
                        + " characters on one line, without bidirectional-override characters");
            }
        }
        if (replyTo != null) {
            replyTo = replyTo.strip();
            if (replyTo.length() > 254 || !ADDRESS.matcher(replyTo).matches()) {
                params.invalid("reply_to must be an e-mail address");
            } else {
                replyTo = asDelivered(replyTo);
            }
        }
        String locale = null;
        if (localeTag != null) {
            locale = ShareLocales.supported(localeTag).orElse(null);
            if (locale == null) {
                params.invalid("locale must be one of " + String.join(", ", ShareRequested.LOCALES));
            }
        }
        Set<Long> ids = new LinkedHashSet<>();
        boolean wellFormed = true;
        if (idsNode != null) {
            if (idsNode.size() > maxLinks) {
                params.invalid("shareable_link_ids must name at most " + maxLinks + " links");
            }
            for (JsonNode id : idsNode.values()) {
                if (id.isIntegralNumber() && id.canConvertToLong() && id.longValue() > 0) {
                    ids.add(id.longValue());
                } else if (id.isString() && ID.matcher(id.stringValue()).matches()) {
                    ids.add(Long.parseLong(id.stringValue()));
                } else {
                    wellFormed = false;
                }
            }
        }
        params.throwIfAny();
        return new ShareRequest(
                List.copyOf(recipients.values()), message, List.copyOf(ids), wellFormed, senderName, replyTo, locale);
    }

    /** The address with its domain lowercased, as DNS reads it, and its local part as given. */
    private static String asDelivered(String address) {
        int at = address.lastIndexOf('@');
        return address.substring(0, at) + address.substring(at).toLowerCase(Locale.ROOT);
    }
}
