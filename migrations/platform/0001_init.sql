-- A platform's accounts, sessions and settings.
CREATE TABLE settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  registration TEXT NOT NULL DEFAULT 'closed' CHECK (registration IN ('closed', 'open')),
  registration_domains TEXT NOT NULL DEFAULT '',  -- space-separated; empty = any
  idle_timeout_s INTEGER NOT NULL DEFAULT 43200,       -- 12 h
  absolute_timeout_s INTEGER NOT NULL DEFAULT 1209600, -- 14 days
  mfa_policy TEXT NOT NULL DEFAULT 'admins' CHECK (mfa_policy IN ('none', 'admins', 'everyone')),
  default_lang TEXT NOT NULL DEFAULT 'fr' CHECK (default_lang IN ('fr', 'en')),
  demo INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO settings (id) VALUES (1);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,      -- lower-cased
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
  password_hash TEXT,
  lang TEXT CHECK (lang IN ('fr', 'en')),
  totp_secret TEXT,                -- encrypted under the platform key, hex
  totp_enabled INTEGER NOT NULL DEFAULT 0,
  totp_last_step INTEGER NOT NULL DEFAULT 0,
  locked_ms INTEGER,               -- locked by failures since then
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE login_failures (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_user ON login_failures (user_id, at_ms);

CREATE TABLE one_time_links (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
  token_hash TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_ms INTEGER
) STRICT;
CREATE INDEX one_time_links_user ON one_time_links (user_id);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  auth_ms INTEGER NOT NULL,        -- last time the password was given
  mfa_pending INTEGER NOT NULL,    -- 1 = password given, second factor awaited
  client_addr TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  ended_ms INTEGER
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_ms INTEGER
) STRICT;
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'read-write')),
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER,
  last_used_ms INTEGER,
  revoked_ms INTEGER
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
