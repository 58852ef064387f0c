-- Collaboration: profiles, groups, publications, comments, reactions, the
-- document base, notifications, applications and the search index.
-- Deletions of people's content are soft (deleted_ms): administrators still
-- see it, and export and audit account for it.

-- Profiles: the directory's fields live on the account.
ALTER TABLE users ADD COLUMN job_title TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN department TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';          -- Markdown
ALTER TABLE users ADD COLUMN notify_mail TEXT NOT NULL DEFAULT 'immediate'
  CHECK (notify_mail IN ('immediate', 'digest', 'off'));
ALTER TABLE users ADD COLUMN digest_sent_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_department ON users (department) WHERE department <> '';
CREATE INDEX users_location ON users (location) WHERE location <> '';

-- Encrypted files under platforms/<slug>/blobs/<name>: documents' versions
-- and avatars. Immutable once written; size and hash are of the plaintext.
CREATE TABLE blobs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,        -- random hex file name
  size INTEGER NOT NULL,
  blake2b TEXT NOT NULL,            -- hex, of the plaintext
  created_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE avatars (
  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  blob_id INTEGER NOT NULL REFERENCES blobs(id),
  content_type TEXT NOT NULL,       -- sniffed: image/png, image/jpeg, image/webp, image/gif
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE groups (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',   -- Markdown
  kind TEXT NOT NULL CHECK (kind IN ('open', 'private', 'secret')),
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT;
-- Names are unique among groups people can see. Secret groups are left out:
-- refusing a name because a secret group holds it would tell a non-member
-- that it exists.
CREATE UNIQUE INDEX groups_name ON groups (lower(name)) WHERE kind <> 'secret';

-- state: member (in), invited (a group administrator asked them), requested
-- (they asked to join a private group)
CREATE TABLE group_members (
  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
  state TEXT NOT NULL CHECK (state IN ('member', 'invited', 'requested')),
  invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
) STRICT;
CREATE INDEX group_members_user ON group_members (user_id, state);
-- member counts without reading every member's row
CREATE INDEX group_members_state ON group_members (group_id, state);

-- A publication: to the platform-wide feed (group_id NULL) or to a group.
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  author_id INTEGER NOT NULL REFERENCES users(id),
  group_id INTEGER REFERENCES groups(id) ON DELETE CASCADE,
  body TEXT NOT NULL,               -- Markdown, the current version
  created_ms INTEGER NOT NULL,
  edited_ms INTEGER,
  deleted_ms INTEGER,
  deleted_by INTEGER REFERENCES users(id),
  pinned_ms INTEGER,
  pinned_by INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX posts_feed ON posts (group_id, id);
-- pinned publications of a feed, looked up on every feed page
CREATE INDEX posts_pinned ON posts (coalesce(group_id, 0), pinned_ms) WHERE pinned_ms IS NOT NULL;
CREATE INDEX posts_author ON posts (author_id, id);

-- Earlier versions of a publication or a comment, kept at each edit.
CREATE TABLE post_versions (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  edited_by INTEGER REFERENCES users(id),
  created_ms INTEGER NOT NULL       -- when this version was replaced
) STRICT;
CREATE INDEX post_versions_post ON post_versions (post_id, id);

CREATE TABLE comments (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE, -- one level of replies
  author_id INTEGER NOT NULL REFERENCES users(id),
  body TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  edited_ms INTEGER,
  deleted_ms INTEGER,
  deleted_by INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX comments_post ON comments (post_id, id);

CREATE TABLE comment_versions (
  id INTEGER PRIMARY KEY,
  comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  edited_by INTEGER REFERENCES users(id),
  created_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX comment_versions_comment ON comment_versions (comment_id, id);

CREATE TABLE reactions (
  target TEXT NOT NULL CHECK (target IN ('post', 'comment')),
  target_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL DEFAULT 'like' CHECK (kind IN ('like')),
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (target, target_id, user_id, kind)
) STRICT;

-- Who a publication or comment mentions (resolved at write time).
CREATE TABLE mentions (
  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  comment_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE
) STRICT;
CREATE INDEX mentions_user ON mentions (user_id);

-- Document base: a library per group (owner 'group') and a personal space
-- per person (owner 'user'), with folders.
CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL CHECK (owner IN ('group', 'user')),
  owner_id INTEGER NOT NULL,
  parent_id INTEGER REFERENCES folders(id),
  name TEXT NOT NULL,
  created_by INTEGER REFERENCES users(id),
  created_ms INTEGER NOT NULL,
  deleted_ms INTEGER,
  deleted_by INTEGER REFERENCES users(id)
) STRICT;
CREATE UNIQUE INDEX folders_name ON folders (owner, owner_id, coalesce(parent_id, 0), lower(name))
  WHERE deleted_ms IS NULL;

CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL CHECK (owner IN ('group', 'user')),
  owner_id INTEGER NOT NULL,
  folder_id INTEGER REFERENCES folders(id),
  name TEXT NOT NULL,
  created_by INTEGER REFERENCES users(id),
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  deleted_ms INTEGER,               -- restorable for 30 days
  deleted_by INTEGER REFERENCES users(id)
) STRICT;
CREATE UNIQUE INDEX documents_name ON documents (owner, owner_id, coalesce(folder_id, 0), lower(name))
  WHERE deleted_ms IS NULL;

CREATE TABLE document_versions (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  blob_id INTEGER NOT NULL REFERENCES blobs(id),
  size INTEGER NOT NULL,
  content_type TEXT NOT NULL,       -- sniffed from the content
  uploaded_by INTEGER REFERENCES users(id),
  created_ms INTEGER NOT NULL,
  UNIQUE (document_id, number)
) STRICT;

CREATE TABLE post_attachments (
  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  PRIMARY KEY (post_id, document_id)
) STRICT;

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('mention', 'comment', 'reply', 'group_invitation',
                                     'join_request', 'join_approved')),
  actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  group_id INTEGER REFERENCES groups(id) ON DELETE CASCADE,
  post_id INTEGER REFERENCES posts(id) ON DELETE CASCADE,
  comment_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
  created_ms INTEGER NOT NULL,
  read_ms INTEGER,
  mailed_ms INTEGER
) STRICT;
CREATE INDEX notifications_user ON notifications (user_id, id);

-- Optional applications and their per-platform switch.
CREATE TABLE apps (
  name TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL DEFAULT 0,
  updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL
) STRICT;
INSERT INTO apps (name, enabled) VALUES ('documents', 1), ('meetings', 0);

-- One search box over publications, comments, profiles and document names.
-- kind: post | comment | user | document; ref: that row's id. Kept in step
-- by the services (not triggers), which know visibility and deletion.
CREATE VIRTUAL TABLE search_index USING fts5(
  kind UNINDEXED, ref UNINDEXED, title, body,
  tokenize = 'unicode61 remove_diacritics 2'
);
-- An FTS5 table has no index on its unindexed columns: finding a row by
-- (kind, ref) to replace or delete it would scan the whole index. This
-- table maps each indexed object to its rowid there.
CREATE TABLE search_refs (
  kind TEXT NOT NULL,
  ref INTEGER NOT NULL,
  fts_rowid INTEGER NOT NULL,
  PRIMARY KEY (kind, ref)
) STRICT, WITHOUT ROWID;
-- the people already there (same text as bst_profile_index)
INSERT INTO search_index (kind, ref, title, body)
  SELECT 'user', id, name, job_title || char(10) || department || char(10) || location
         || char(10) || bio
  FROM users WHERE status = 'active';
INSERT INTO search_refs (kind, ref, fts_rowid) SELECT kind, ref, rowid FROM search_index;
