-- The control plane: platforms and their host names, the outbound mail
-- queue, the installation's identity.
CREATE TABLE installation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  created_ms INTEGER NOT NULL,
  generation INTEGER NOT NULL DEFAULT 0 -- bumped on any platform change
) STRICT;
INSERT INTO installation (id, created_ms) VALUES (1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));

CREATE TABLE platforms (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE platform_hosts (
  host TEXT PRIMARY KEY,
  platform_id INTEGER NOT NULL REFERENCES platforms(id) ON DELETE CASCADE
) STRICT;

CREATE TABLE mail_queue (
  id INTEGER PRIMARY KEY,
  platform_id INTEGER REFERENCES platforms(id) ON DELETE SET NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  sent_ms INTEGER,
  failed_ms INTEGER,
  last_error TEXT
) STRICT;
CREATE INDEX mail_queue_due ON mail_queue (next_attempt_ms) WHERE sent_ms IS NULL AND failed_ms IS NULL;

-- Running servers notice platform changes made by the CLI through this.
CREATE TRIGGER platforms_ins AFTER INSERT ON platforms
  BEGIN UPDATE installation SET generation = generation + 1; END;
CREATE TRIGGER platforms_upd AFTER UPDATE ON platforms
  BEGIN UPDATE installation SET generation = generation + 1; END;
CREATE TRIGGER platforms_del AFTER DELETE ON platforms
  BEGIN UPDATE installation SET generation = generation + 1; END;
CREATE TRIGGER hosts_ins AFTER INSERT ON platform_hosts
  BEGIN UPDATE installation SET generation = generation + 1; END;
CREATE TRIGGER hosts_del AFTER DELETE ON platform_hosts
  BEGIN UPDATE installation SET generation = generation + 1; END;
