-- A deleted token's row stays, marked deleted, so its path is still known: a person opening a URL that was shared
-- and then deleted gets 404 without counting as a guesser against the miss limiter, as a revoked link's does.
-- token-api never hands a deleted token's value or path to another token, so the row holds nothing back.
ALTER TABLE redeemable_tokens ADD COLUMN deleted boolean NOT NULL DEFAULT false;
