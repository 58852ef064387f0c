-- The end of a contract (issue 6): once the final export is delivered, the
-- platform is closed (suspended) and destroyed when its notice period ends,
-- unless the offboarding is cancelled. NULL: not being offboarded.
ALTER TABLE platforms ADD COLUMN destroy_after_ms INTEGER;
