-- Read models of chat-service, kept by ChatProjection in the transaction of each append.
CREATE TABLE chat_conversations (
    id          text PRIMARY KEY,
    title       text        NOT NULL,
    created_by  text        NOT NULL,
    project_id  text,
    created_at  timestamptz NOT NULL,
    version     bigint      NOT NULL
);

CREATE TABLE chat_participants (
    conversation_id text NOT NULL REFERENCES chat_conversations (id),
    user_id         text NOT NULL,
    role            text NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX chat_participants_by_user ON chat_participants (user_id);

CREATE TABLE chat_messages (
    id              uuid PRIMARY KEY,
    conversation_id text        NOT NULL REFERENCES chat_conversations (id),
    seq             bigint      NOT NULL,
    author_id       text        NOT NULL,
    author_name     text,
    text            text        NOT NULL,
    posted_at       timestamptz NOT NULL,
    UNIQUE (conversation_id, seq)
);
