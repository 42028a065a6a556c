-- Events the relay cannot publish (a mapper that refuses them, a record larger than Kafka takes) are set aside here,
-- once each, so that one such event never stops the relay; the relay publishes everything else in order
-- (docs/event-store.md). The rows tell an operator what was not published and why.
CREATE TABLE es_relay_unpublishable (
    relay       text        NOT NULL,
    position    bigint      NOT NULL,
    event_id    uuid        NOT NULL,
    stream_id   text        NOT NULL,
    version     bigint      NOT NULL,
    type        text        NOT NULL,
    reason      text        NOT NULL,
    set_aside_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (relay, position)
);
