package dev.sharelinks.events;

/**
 * A share token was deleted by an administrator; its public URL stops working. v1 also carried the token's value, a
 * capability, which reads as absent: the token id names the token.
 */
public record ShareTokenDeleted(long tokenId, long mediaId, long deleteUser) {}
