-- A read model of the test projection: per stream, the number of events and the last one seen.
CREATE TABLE test_stream_stats (
    stream_id    text PRIMARY KEY,
    events       bigint NOT NULL,
    last_version bigint NOT NULL,
    last_type    text   NOT NULL,
    total_amount bigint NOT NULL
);
