-- A NOTIFY in a transaction takes a cluster-wide lock in its commit and holds it until the commit is flushed, so the
-- trigger that woke the relay made every append of every service on the cluster commit one after the other. The
-- writers now wake the relay themselves after the commit (CommitSignal, docs/event-store.md).
DROP TRIGGER es_events_notify_relay ON es_events;
DROP FUNCTION es_events_notify();
