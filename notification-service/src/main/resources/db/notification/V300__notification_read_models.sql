-- Read models of notification-service. Inbox and notifications are kept by the projection from the user
-- streams (user:<sub>) and broadcasts from the broadcast streams; conversations, members, preferences,
-- contacts, presence and digests are copies of other services' events or this service's own settings,
-- written directly (they are not part of any room's history).

CREATE TABLE nt_inbox (
    user_id      text PRIMARY KEY,
    version      bigint NOT NULL,   -- the user stream's version (= seq of the room user:<sub>)
    unread_count bigint NOT NULL
);

CREATE TABLE nt_notifications (
    id              uuid PRIMARY KEY,
    user_id         text NOT NULL,
    seq             bigint NOT NULL,
    type            text NOT NULL,
    title           text NOT NULL,
    body            text,
    actor_id        text,
    actor_name      text,
    target_type     text,
    target_id       text,
    target_title    text,
    target_link     text,
    created_at      timestamptz NOT NULL,
    read_at         timestamptz,
    source_event_id text NOT NULL,
    -- idempotent consumption: a redelivered source event fails here, in the transaction of its append
    CONSTRAINT nt_notifications_source_user UNIQUE (source_event_id, user_id),
    CONSTRAINT nt_notifications_user_seq UNIQUE (user_id, seq)
);
CREATE INDEX nt_notifications_unread ON nt_notifications (user_id, seq) WHERE read_at IS NULL;

-- Notifications for roles or for everyone: one row, materialized into each user's inbox when that user next
-- lists or counts (matched against the roles of the caller's token).
CREATE TABLE nt_broadcasts (
    id              uuid PRIMARY KEY,
    source_event_id text NOT NULL UNIQUE,
    rooms           text[] NOT NULL,   -- 'all' and/or 'role:<name>'
    type            text NOT NULL,
    title           text NOT NULL,
    body            text,
    actor_id        text,
    actor_name      text,
    target_type     text,
    target_id       text,
    target_title    text,
    target_link     text,
    created_at      timestamptz NOT NULL
);
CREATE INDEX nt_broadcasts_created ON nt_broadcasts (created_at);

-- Copied from chat.events: who is in which conversation, and its title.
CREATE TABLE nt_conversations (
    id         text PRIMARY KEY,
    title      text,
    project_id text,
    direct     boolean NOT NULL DEFAULT false
);
CREATE TABLE nt_conversation_members (
    conversation_id text NOT NULL,
    user_id         text NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);

CREATE TABLE nt_preferences (
    user_id             text PRIMARY KEY,
    email_enabled       boolean NOT NULL DEFAULT true,
    muted_types         text[] NOT NULL DEFAULT '{}',
    muted_conversations text[] NOT NULL DEFAULT '{}',
    muted_projects      text[] NOT NULL DEFAULT '{}',
    quiet_start         text,
    quiet_end           text,
    time_zone           text,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- The e-mail address from the 'email' claim of the user's latest REST call.
CREATE TABLE nt_contacts (
    user_id    text PRIMARY KEY,
    email      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The latest presence announcement of each (user, edge instance), from realtime.signals.
CREATE TABLE nt_presence (
    user_id     text NOT NULL,
    instance_id text NOT NULL,
    connections integer NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (user_id, instance_id)
);

-- The latest digest e-mail per user: every notification up to up_to_seq has been in a digest.
CREATE TABLE nt_digests (
    user_id   text PRIMARY KEY,
    up_to_seq bigint NOT NULL,
    sent_at   timestamptz NOT NULL,
    count     integer NOT NULL
);

-- When this service first knew a user (first notification, or first REST call): broadcasts older than that
-- are not taken into their inbox, so a new user does not find a month of announcements made before they came.
CREATE TABLE nt_users (
    user_id    text PRIMARY KEY,
    first_seen timestamptz NOT NULL
);
