-- "Last seen" per user from realtime-edge's connection lifecycle (realtime.connections): when the user last opened
-- and last closed a connection, and the close code of that close. Written with GREATEST, so a redelivered or
-- out-of-order event (two edge instances, a consumer restart) never moves a time back.
CREATE TABLE nt_last_seen (
    user_id              text PRIMARY KEY,
    last_connected_at    timestamptz,
    last_disconnected_at timestamptz,
    last_close_code      integer
);
