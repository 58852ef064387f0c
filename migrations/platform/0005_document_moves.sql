-- Moving a document between libraries (bst_doc_move_to) first asks which
-- live publications carry it; the primary key of post_attachments starts
-- with the post, so finding a document's links would read the whole table.
CREATE INDEX post_attachments_document ON post_attachments (document_id);
