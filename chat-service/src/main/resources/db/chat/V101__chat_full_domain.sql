-- The whole chat domain: archive, direct conversations, read receipts, replies, edits, tombstones, reactions.
ALTER TABLE chat_conversations
    ADD COLUMN direct_key       text,
    ADD COLUMN archived_at      timestamptz,
    ADD COLUMN last_message_seq bigint,
    ADD COLUMN last_activity_at timestamptz;
UPDATE chat_conversations SET last_activity_at = created_at;
ALTER TABLE chat_conversations ALTER COLUMN last_activity_at SET NOT NULL;
-- One direct conversation per pair: a concurrent second create fails here, in the append's transaction.
CREATE UNIQUE INDEX chat_conversations_direct_pair ON chat_conversations (direct_key) WHERE direct_key IS NOT NULL;

ALTER TABLE chat_participants
    ADD COLUMN last_read_seq bigint NOT NULL DEFAULT 0;

ALTER TABLE chat_messages
    ADD COLUMN reply_to   uuid,
    ADD COLUMN mentions   text,
    ADD COLUMN edited_at  timestamptz,
    ADD COLUMN deleted_at timestamptz,
    ADD COLUMN deleted_by text;
CREATE INDEX chat_messages_by_conversation_seq ON chat_messages (conversation_id, seq);

CREATE TABLE chat_reactions (
    message_id uuid NOT NULL REFERENCES chat_messages (id),
    user_id    text NOT NULL,
    emoji      text NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);
