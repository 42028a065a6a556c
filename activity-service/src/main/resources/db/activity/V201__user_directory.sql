-- The names the identity provider gives users (the token's `name` claim), as seen on their own REST calls: a member
-- added by id, or an actor another service named without a name, shows this name instead of the bare id. A cache of
-- the identity provider, not an event-sourced read model: nothing is derived from it on replay.
create table act_user_names (
    user_id      text primary key,
    display_name text        not null,
    seen_at      timestamptz not null
);
