-- What was destroyed of a platform at the end of its contract (issue 6,
-- "End of contract"): a report in canonical JSON, signed with the
-- installation's Ed25519 key (DATA/audit.key, the key that signs the
-- access trail's checkpoints). Kept after the platform is gone; the
-- platform's name and id are inside the report only.
CREATE TABLE destruction_reports (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  report TEXT NOT NULL,      -- the signed bytes
  signature TEXT NOT NULL,   -- Ed25519, hex
  public_key TEXT NOT NULL   -- hex
) STRICT;
