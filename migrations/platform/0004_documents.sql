-- The document base, second part: the storage quota of the platform, set
-- by the operator (bastide platform set-quota), and the indexes of the
-- purge.

-- Bytes the platform may hold in documents (every version of every live
-- document): BST_DOC_QUOTA_DEFAULT, 10 GB.
ALTER TABLE settings ADD COLUMN doc_quota_bytes INTEGER NOT NULL DEFAULT 10000000000;

-- The purge of the document base (src/social/doc_purge.c): documents and
-- folders deleted longer ago than the restore window are found by their
-- deletion time, and what still refers to a folder or a blob is found
-- without reading whole tables.
CREATE INDEX documents_deleted ON documents (deleted_ms) WHERE deleted_ms IS NOT NULL;
CREATE INDEX folders_deleted ON folders (deleted_ms) WHERE deleted_ms IS NOT NULL;
CREATE INDEX documents_folder ON documents (folder_id) WHERE folder_id IS NOT NULL;
CREATE INDEX folders_parent ON folders (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX document_versions_blob ON document_versions (blob_id);
CREATE INDEX avatars_blob ON avatars (blob_id);
