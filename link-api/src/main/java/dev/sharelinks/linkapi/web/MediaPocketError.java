package dev.sharelinks.linkapi.web;

/** The MediaPocket error body: {@code {"error": "..."}}. */
public record MediaPocketError(String error) {
}
