-- A platform's security events (bst_audit_record). The tamper-evident
-- access log builds on this table.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  actor_id INTEGER,           -- users.id in main.db, NULL for anonymous or operator
  actor TEXT NOT NULL,        -- e-mail, "anonymous" or "operator:<unix user>"
  client_addr TEXT NOT NULL,
  event TEXT NOT NULL,        -- stable name, e.g. "auth.login.failure"
  target TEXT NOT NULL,
  details TEXT NOT NULL       -- JSON object
) STRICT;
CREATE INDEX events_at ON events (at_ms);
