-- UNIQUE (conversation_id, seq) already indexes what chat_messages_by_conversation_seq did; one index fewer to
-- update on every post.
DROP INDEX IF EXISTS chat_messages_by_conversation_seq;
