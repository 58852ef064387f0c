-- The tamper-evident trail of a platform: access entries (one per HTTP
-- request) and security events (bst_audit_record) in ONE table and ONE
-- hash chain. seq is the position in the chain (1, 2, 3... without gaps,
-- assigned inside the writing transaction); hash is the hex BLAKE2b-256 of
-- the previous entry's hash and this entry's canonical encoding (see
-- src/audit/chain.h). One table rather than two sharing a chain: the
-- viewer lists both kinds newest first with one indexed query and one
-- cursor, and verification walks one ordered index (docs/architecture.md).
CREATE TABLE trail (
  seq INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,             -- Unix ms, UTC
  kind INTEGER NOT NULL,              -- 0 access, 1 security event
  user_id INTEGER,                    -- users.id in main.db; NULL: anonymous or operator
  actor TEXT NOT NULL DEFAULT '',     -- events: e-mail, "anonymous", "operator:<unix user>"
  session_ref TEXT NOT NULL DEFAULT '', -- keyed hash of the session, truncated
  client_addr TEXT NOT NULL DEFAULT '',
  method TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL DEFAULT '',       -- secrets scrubbed
  status INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  user_agent TEXT NOT NULL DEFAULT '', -- control characters neutralised, <= 512 bytes
  event TEXT NOT NULL DEFAULT '',      -- events: stable name, e.g. "auth.login.failure"
  target TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '',    -- events: JSON object
  hash TEXT                            -- NULL only for rows of 0001 not chained yet
) STRICT;

-- the events of 0001 become the first entries; the writer chains them
-- before it appends anything (bst_trail_append)
INSERT INTO trail (at_ms, kind, user_id, actor, client_addr, event, target, details)
  SELECT at_ms, 1, actor_id, actor, client_addr, event, target, details FROM events ORDER BY id;
DROP TABLE events;
-- what 0001's readers (bst_q_event_list, tests) see
CREATE VIEW events (id, at_ms, actor_id, actor, client_addr, event, target, details) AS
  SELECT seq, at_ms, user_id, actor, client_addr, event, target, details FROM trail WHERE kind = 1;

-- the viewer's filters, each newest first by seq
CREATE INDEX trail_user ON trail (user_id, seq);
CREATE INDEX trail_addr ON trail (client_addr, seq);
CREATE INDEX trail_at ON trail (at_ms);
CREATE INDEX trail_path ON trail (path) WHERE kind = 0;
CREATE INDEX trail_event ON trail (event) WHERE kind = 1;
CREATE INDEX trail_status ON trail (status, seq) WHERE kind = 0;

-- Signed checkpoints: the installation's Ed25519 key signs (platform, kind,
-- seq, hash, at_ms). kind: "periodic" (every 10 minutes), "shutdown",
-- "truncation" (retention purged every entry up to seq; verification then
-- starts from hash).
CREATE TABLE checkpoints (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  key_id TEXT NOT NULL,                -- hex public key that signed
  signature TEXT NOT NULL              -- hex Ed25519 signature
) STRICT;
CREATE INDEX checkpoints_seq ON checkpoints (seq);
