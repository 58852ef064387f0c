-- Where the back office pushes the platform's exports (issue 6): one
-- destination, set by the platform's administrators. It lives with the
-- platform's data (backed up, restored and destroyed with it) and its
-- secret is sealed under the platform's data key, so it is noise once the
-- platform is destroyed. The URL names a folder: each export goes there
-- under its own name.
CREATE TABLE export_destination (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  url TEXT NOT NULL,                          -- sftp://user@host:port/folder or ftps://...
  host_key_sha256 TEXT NOT NULL DEFAULT '',   -- SFTP: the server's host key, "SHA256:..."
  ca_pem TEXT NOT NULL DEFAULT '',            -- FTPS: the CA certificates to trust, PEM
  pinned_key TEXT NOT NULL DEFAULT '',        -- FTPS: or its public key, sha256//BASE64
  password_sealed TEXT NOT NULL DEFAULT '',   -- FTPS: XChaCha20-Poly1305 under the platform key, hex
  updated_ms INTEGER NOT NULL,
  updated_by TEXT NOT NULL                    -- the administrator's e-mail
) STRICT;
