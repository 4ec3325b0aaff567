-- Webhooks (a Sharelinks extension, docs/contracts.md "Webhooks"): an account's receivers of its link and share events.
-- The secret signs every delivery (Standard Webhooks), so it is kept as given out; issue 24 seals it at rest with the
-- other capabilities. The failure columns are what the list shows of an endpoint that keeps failing.
CREATE TABLE webhook_endpoints (
    id                   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id           bigint      NOT NULL REFERENCES accounts (id),
    url                  text        NOT NULL,
    events               text[]      NOT NULL,
    secret               text        NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    consecutive_failures integer     NOT NULL DEFAULT 0,
    last_failure_at      timestamptz,
    last_failure         text,
    last_success_at      timestamptz
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id);

-- One row per message to one endpoint, written by the fan-out from the topics and sent by the dispatcher. The
-- message id is derived from the event (and, for link.exhausted, from the link alone), so a redelivered or replayed
-- event adds nothing, and it is the webhook-id a receiver deduplicates on. body is the exact text that is signed and
-- sent (text, not jsonb, which would reorder it). A row is pending until its endpoint answers 2xx (delivered) or its
-- retries run out (failed: the dead letters, kept with the last error). One endpoint's deliveries about one subject
-- (a link, a share) are sent one at a time in seq order.
CREATE TABLE webhook_deliveries (
    seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id     bigint      NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    message_id      text        NOT NULL,
    subject         text        NOT NULL,
    event_type      text        NOT NULL,
    body            text        NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    last_status     integer,
    last_error      text,
    UNIQUE (endpoint_id, message_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_in_order ON webhook_deliveries (endpoint_id, subject, seq) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE state <> 'pending';
