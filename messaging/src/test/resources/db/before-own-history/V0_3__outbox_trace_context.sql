-- The trace context of the request that wrote the event, as the message headers that carry it (W3C traceparent and
-- tracestate): the relay sends them with the event, so the consumers' work joins the request's trace.
ALTER TABLE outbox ADD COLUMN trace_context jsonb;
