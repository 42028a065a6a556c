-- A stream's turn: every append to a stream holds the stream's transaction-scoped advisory lock while it writes, so
-- writers of one stream queue in PostgreSQL in arrival order, the same with one service instance or many
-- (docs/event-store.md, "Concurrent writers"). An advisory lock takes no transaction id, so the append stays the
-- transaction's first write. The key is hashtext(stream_id), the key activity-service's commands locked before.

-- Waits for the stream's turn for at most wait_ms, then fails with lock_not_available (55P03). Used as the first
-- statement of a command's transaction; lock_timeout is set back so that the command's own row locks are not cut.
CREATE FUNCTION es_wait_turn(stream text, wait_ms integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    previous text := current_setting('lock_timeout');
BEGIN
    PERFORM set_config('lock_timeout', greatest(wait_ms, 1) || 'ms', true);
    PERFORM pg_advisory_xact_lock(hashtext(stream));
    PERFORM set_config('lock_timeout', previous, true);
END
$$;

-- Takes the stream's turn without waiting and returns the stream id, for a single-statement append's event rows:
-- when another writer has the turn or waits for it, the statement fails with lock_not_available (55P03) and writes
-- nothing, and the appender queues with es_wait_turn instead.
CREATE FUNCTION es_try_turn(stream text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    IF pg_try_advisory_xact_lock(hashtext(stream)) THEN
        RETURN stream;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'lock_not_available', MESSAGE = 'another writer has the turn of stream ' || stream;
END
$$;
