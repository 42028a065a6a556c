-- The append-only event log of one service. Positions come from an identity sequence, so they are unique
-- but NOT in commit order; tx_id records the writing transaction so the relay can tell which positions
-- are final (see Relay).
CREATE TABLE es_events (
    position     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid        NOT NULL,
    stream_id    text        NOT NULL,
    version      bigint      NOT NULL CHECK (version > 0),
    type         text        NOT NULL,
    data         jsonb       NOT NULL,
    metadata     jsonb       NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    tx_id        xid8        NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT es_events_stream_version UNIQUE (stream_id, version),
    CONSTRAINT es_events_event_id UNIQUE (event_id)
);

-- The relay reads in (tx_id, position) order after its checkpoint.
CREATE INDEX es_events_relay_order ON es_events (tx_id, position);

CREATE FUNCTION es_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'es_events is append-only: % is not allowed', TG_OP;
END $$;

CREATE TRIGGER es_events_no_update_or_delete
    BEFORE UPDATE OR DELETE ON es_events
    FOR EACH ROW EXECUTE FUNCTION es_events_append_only();

CREATE TRIGGER es_events_no_truncate
    BEFORE TRUNCATE ON es_events
    FOR EACH STATEMENT EXECUTE FUNCTION es_events_append_only();

-- Wakes the relay at commit (NOTIFY is transactional and collapsed per transaction).
CREATE FUNCTION es_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('es_events', '');
    RETURN NULL;
END $$;

CREATE TRIGGER es_events_notify_relay
    AFTER INSERT ON es_events
    FOR EACH STATEMENT EXECUTE FUNCTION es_events_notify();

-- Idempotent commands: the first result of a command id, returned again on a retry.
CREATE TABLE es_commands (
    command_id    text        PRIMARY KEY,
    stream_id     text        NOT NULL,
    first_version bigint      NOT NULL,
    last_version  bigint      NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Where each relay stopped: everything at or before (tx_id, position) is on Kafka.
CREATE TABLE es_relay_checkpoints (
    relay      text        PRIMARY KEY,
    tx_id      xid8        NOT NULL,
    position   bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
