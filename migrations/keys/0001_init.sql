-- The key store: each platform's data key, wrapped by the master key
-- (XChaCha20-Poly1305, the slug as associated data). Never backed up.
CREATE TABLE platform_keys (
  slug TEXT PRIMARY KEY,
  wrapped TEXT NOT NULL, -- hex
  created_ms INTEGER NOT NULL
) STRICT;
