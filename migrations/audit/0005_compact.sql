-- A smaller trail (issue 4: 363 MB per million entries before this).
-- * The hash is stored as its 32 bytes (hash_bin) rather than 64 hex
--   digits. SQLite 3.40 has no unhex(), and a STRICT TEXT column holds no
--   blob, so rows written before this keep their hex in hash and new rows
--   leave it NULL; readers take whichever is set (src/db/q_audit.c).
--   Nothing is rewritten: existing installations keep verifying, and
--   retention removes the old rows within a year.
-- * A user agent is stored once (agents) and referenced (ua_id): a
--   platform sees a few hundred distinct browsers for millions of entries,
--   and the string (~110 bytes) was a third of every row. Rows before this
--   keep theirs in user_agent. Editing an agents row changes every entry
--   that names it, which verification reports at the first of them.
-- * The indexes on path, event and status go: the viewer's statements
--   never use them (each leads with user, address, target, date or seq;
--   docs/architecture.md), so they cost space and write time for nothing.
CREATE TABLE agents (
  id INTEGER PRIMARY KEY,
  ua TEXT NOT NULL UNIQUE
) STRICT;
ALTER TABLE trail ADD COLUMN ua_id INTEGER;   -- agents.id; NULL: see user_agent
ALTER TABLE trail ADD COLUMN hash_bin BLOB;   -- BLAKE2b-256, 32 bytes; NULL: see hash
DROP INDEX trail_path;
DROP INDEX trail_event;
DROP INDEX trail_status;
