-- Each platform's security correspondent (DESIGN.md §1: "a project gets a
-- single security correspondent"), set by the operator as part of the
-- client's contract: told of incidents and sent the destruction report at
-- the end of the contract. Goes with the platform's row.
CREATE TABLE security_contacts (
  platform_id INTEGER PRIMARY KEY REFERENCES platforms(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  email TEXT NOT NULL,  -- lower-cased
  phone TEXT NOT NULL DEFAULT '',
  updated_ms INTEGER NOT NULL
) STRICT;
