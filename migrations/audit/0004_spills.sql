-- The spill files replayed into the trail (src/audit/spill.h): a file's
-- random id is recorded in the transaction that appends its entries, so a
-- file replayed just before a crash, and still on disk after it, is
-- recognised and not replayed twice.
CREATE TABLE spills (
  id BLOB PRIMARY KEY,                 -- the file's 16-byte id
  entries INTEGER NOT NULL,            -- how many it held
  at_ms INTEGER NOT NULL               -- when it was replayed
) STRICT;
