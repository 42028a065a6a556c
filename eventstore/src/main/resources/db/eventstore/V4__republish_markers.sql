-- What each relay last re-published of a derived, compacted topic (a StateSnapshot, e.g. memberships): to which
-- Kafka cluster and topic incarnation, and the topic's end offsets just after. At start-up the relay compares them
-- with the topic it finds; a new cluster, a recreated topic or an end offset below the recorded one means the topic
-- lost what was published, and the relay re-publishes the current state from the read models
-- (docs/event-store.md, "Re-publishing derived state"). requested/done count the operators' on-demand requests.
CREATE TABLE es_republish (
    relay          text        NOT NULL,
    snapshot       text        NOT NULL,
    cluster_id     text,
    topic_id       text,
    end_offsets    text,
    records        bigint,
    tombstones     bigint,
    reason         text,
    republished_at timestamptz,
    requested      bigint      NOT NULL DEFAULT 0,
    done           bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (relay, snapshot)
);
