-- The PostgreSQL store's schema, as ordered migrations: each "-- migration N" section runs once,
-- in order, in one transaction with the schema_version row that records it (PostgresSchema.cs).
-- Never edit a migration that has shipped; add the next one.
-- Every id and hash column is COLLATE "C": compared byte by byte, whatever the database's locale.

-- migration 1
CREATE TABLE store_meta (
    name text COLLATE "C" PRIMARY KEY,
    value bytea NOT NULL
);
-- The two keys of each session (SessionKeys). Erasing deletes the row, then VACUUMs this small table.
CREATE TABLE session_keys (
    sid text COLLATE "C" PRIMARY KEY,
    content bytea NOT NULL,
    identifiers bytea,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE sessions (
    sid text COLLATE "C" PRIMARY KEY,
    experiment text COLLATE "C" NOT NULL,
    token text COLLATE "C" NOT NULL UNIQUE,
    withdrawal text COLLATE "C",
    body bytea NOT NULL,
    ended boolean NOT NULL DEFAULT false,
    bytes bigint NOT NULL DEFAULT 0
);
CREATE INDEX sessions_experiment ON sessions (experiment);
CREATE INDEX sessions_withdrawal ON sessions (withdrawal);
-- The highest durable event number of each stream (browser tab) of a session, and when it began.
CREATE TABLE streams (
    sid text COLLATE "C" NOT NULL REFERENCES sessions ON DELETE CASCADE,
    stream text COLLATE "C" NOT NULL,
    durable bigint NOT NULL,
    began bigint NOT NULL,
    PRIMARY KEY (sid, stream)
);
-- One row per stored batch; seq is its first event not stored before (from_seq its first as sent).
CREATE TABLE events (
    sid text COLLATE "C" NOT NULL REFERENCES sessions ON DELETE CASCADE,
    stream text COLLATE "C" NOT NULL,
    seq bigint NOT NULL,
    from_seq bigint NOT NULL,
    last bigint NOT NULL,
    step text COLLATE "C" NOT NULL,
    bytes integer NOT NULL,
    received_at bigint NOT NULL,
    payload bytea NOT NULL,
    PRIMARY KEY (sid, stream, seq)
);
CREATE TABLE codes (
    id text COLLATE "C" PRIMARY KEY,
    sid text COLLATE "C" NOT NULL,
    experiment text COLLATE "C" NOT NULL,
    body bytea NOT NULL
);
CREATE INDEX codes_sid ON codes (sid);
CREATE INDEX codes_experiment ON codes (experiment);
CREATE TABLE accounts (
    id text COLLATE "C" PRIMARY KEY,
    body jsonb NOT NULL
);
CREATE TABLE experiment_states (
    id text COLLATE "C" PRIMARY KEY,
    body jsonb NOT NULL
);
CREATE TABLE deletions (
    id uuid PRIMARY KEY,
    body jsonb NOT NULL
);
CREATE TABLE experiment_versions (
    experiment text COLLATE "C" NOT NULL,
    hash text COLLATE "C" NOT NULL,
    seen_at bigint NOT NULL,
    file text NOT NULL,
    text text NOT NULL,
    PRIMARY KEY (experiment, hash)
);
CREATE TABLE health (
    id integer PRIMARY KEY,
    at bigint NOT NULL
);

-- migration 2
-- A batch appended in one statement (one round trip of the writer instead of two): the session's row
-- is locked, the stream's durable number and the session's bytes read, and the batch stored if it
-- brings new events, follows them without a gap and fits the quota (BatchAdmission's rules; the store
-- checks that its C# decision on the returned state agrees). A refused batch writes nothing and
-- raises nothing, so the group's transaction goes on. Returns the state before the batch and whether
-- it was stored; no row: the session does not exist.
CREATE FUNCTION append_batch(p_sid text, p_stream text, p_seq bigint, p_last bigint, p_step text,
                             p_bytes integer, p_received bigint, p_payload bytea, p_quota bigint)
RETURNS TABLE (ended boolean, bytes bigint, durable bigint, stored boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_ended boolean;
    v_bytes bigint;
    v_durable bigint;
BEGIN
    SELECT s.ended, s.bytes, coalesce(st.durable, 0) INTO v_ended, v_bytes, v_durable
    FROM sessions s LEFT JOIN streams st ON st.sid = s.sid AND st.stream = p_stream
    WHERE s.sid = p_sid FOR UPDATE OF s;
    IF NOT FOUND THEN RETURN; END IF;
    IF v_ended OR p_last <= v_durable OR p_seq > v_durable + 1 OR v_bytes + p_bytes > p_quota THEN
        RETURN QUERY SELECT v_ended, v_bytes, v_durable, false;
        RETURN;
    END IF;
    INSERT INTO events (sid, stream, seq, from_seq, last, step, bytes, received_at, payload)
    VALUES (p_sid, p_stream, v_durable + 1, p_seq, p_last, p_step, p_bytes, p_received, p_payload);
    INSERT INTO streams (sid, stream, durable, began) VALUES (p_sid, p_stream, p_last, p_received)
    ON CONFLICT (sid, stream) DO UPDATE SET durable = excluded.durable;
    UPDATE sessions SET bytes = v_bytes + p_bytes WHERE sid = p_sid;
    RETURN QUERY SELECT v_ended, v_bytes, v_durable, true;
END
$$;

-- migration 3
-- The assignment slot a session holds (active or completed, not a pilot; NULL otherwise) in the clear
-- beside its sealed record, so that a session start counts the study's slots with one query instead
-- of reading and decrypting every session of the study. A slot is a position in the balanced
-- assignment blocks (it gives the condition); it identifies no one. Rows stored before this migration
-- are marked unknown; the store fills them in when it opens (it can open their records, SQL cannot).
ALTER TABLE sessions ADD COLUMN slot integer;
ALTER TABLE sessions ADD COLUMN slot_known boolean NOT NULL DEFAULT false;
CREATE INDEX sessions_slots ON sessions (experiment) WHERE slot IS NOT NULL;
CREATE INDEX sessions_slots_unknown ON sessions (experiment) WHERE NOT slot_known;
