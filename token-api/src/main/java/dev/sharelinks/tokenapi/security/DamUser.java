package dev.sharelinks.tokenapi.security;

/** The authenticated caller of the Keepeek API: a DAM user, who may be an administrator. */
public record DamUser(long id, String login, boolean administrator) {}
