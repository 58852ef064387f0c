-- What the backups did (issue 5): every backup, copy to an off-site
-- target, key-store replication and verification (the weekly restore
-- drill among them), with its outcome. The operator's "Backups" page and
-- `bastide backup status` read the latest of each; the drill's schedule
-- is the date of the last one. Kept 400 days.
CREATE TABLE backup_events (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL,              -- a platform's slug, "_control", or "_keys"
  target TEXT NOT NULL DEFAULT '',  -- '' = the local store
  kind TEXT NOT NULL CHECK (kind IN ('backup', 'copy', 'verify', 'keys')),
  backup_id TEXT NOT NULL DEFAULT '',
  at_ms INTEGER NOT NULL,
  ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
  size INTEGER NOT NULL DEFAULT 0,        -- bytes the backup refers to
  written INTEGER NOT NULL DEFAULT 0,     -- bytes written or sent
  duration_ms INTEGER NOT NULL DEFAULT 0,
  problem TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX backup_events_latest ON backup_events (scope, kind, target, at_ms);
CREATE INDEX backup_events_at ON backup_events (at_ms);
