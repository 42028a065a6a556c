-- Read models of activity-service, kept by ActivityProjection in the transaction of each append.
CREATE TABLE act_projects (
    id          text PRIMARY KEY,
    title       text        NOT NULL,
    owner_id    text        NOT NULL,
    created_at  timestamptz NOT NULL,
    archived_at timestamptz,
    version     bigint      NOT NULL
);

CREATE TABLE act_members (
    project_id   text        NOT NULL REFERENCES act_projects (id),
    user_id      text        NOT NULL,
    role         text        NOT NULL,
    display_name text,
    joined_at    timestamptz NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX act_members_by_user ON act_members (user_id);

-- The feed: one row per activity, seq = the version of its event in the project stream.
CREATE TABLE act_activities (
    id           uuid PRIMARY KEY,
    project_id   text        NOT NULL REFERENCES act_projects (id),
    seq          bigint      NOT NULL,
    verb         text        NOT NULL,
    actor_id     text        NOT NULL,
    actor_name   text,
    target_type  text        NOT NULL,
    target_id    text        NOT NULL,
    target_title text        NOT NULL,
    target_link  text,
    occurred_at  timestamptz NOT NULL,
    details      text,
    source       text        NOT NULL,
    CONSTRAINT act_activities_project_seq UNIQUE (project_id, seq)
);
-- Newest first pages walk the unique index backwards; the filters have their own.
CREATE INDEX act_activities_by_verb ON act_activities (project_id, verb, seq);
CREATE INDEX act_activities_by_actor ON act_activities (project_id, actor_id, seq);
CREATE INDEX act_activities_by_target ON act_activities (project_id, target_type, target_id, seq);

-- Per user "seen up to" marker: private to its user and never published, so not an event (see docs/activity-api.md).
-- No foreign key: a projection rebuild empties act_projects and keeps the markers.
CREATE TABLE act_seen (
    project_id text   NOT NULL,
    user_id    text   NOT NULL,
    seen_seq   bigint NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
