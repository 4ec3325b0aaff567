package dev.sharelinks.tokenapi.web;

/**
 * The body of every refusal of the Keepeek API: the HTTP status, the contract's error code (such as
 * {@code share-token-not-found}) for programs, and a sentence for people.
 */
public record KeepeekError(int status, String code, String message) {
}
