package dev.sharelinks.linkapi.security;

/** Who an API key belongs to: the account every query of the request is scoped to. */
public record AccountPrincipal(long accountId, String bucket) {}
