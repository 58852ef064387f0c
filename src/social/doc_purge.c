/* The purge of the document base (see documents.h): documents and folders
 * deleted longer ago than the restore window (plus BST_DOC_PURGE_GRACE_MS)
 * are removed for good, in batches, by a scheduler job: their rows, their
 * versions, search entries and attachment links, and the blobs no other
 * version or avatar uses. Rows go first, in one transaction per document;
 * files after the commit, so a crash in between leaves orphan files, never
 * a row without its file; the orphan sweep of the blob store removes such
 * files (and those of uploads cut by a crash) once they are an hour old.
 * Each pass that removed something is audited as document.purge with its
 * counts. Runs on the scheduler's thread; any number of platforms. */
#include "social/documents.h"
#include "audit/audit.h"
#include "core/arena.h"
#include "core/log.h"
#include "db/q_social.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Documents (then folders) taken per platform and pass: a pass stays
 * short, the next one (BST_DOC_PURGE_PERIOD_MS later) goes on. */
#define PURGE_BATCH 100
/* A file of the blob store with no row is an orphan once this old: a row
 * is written within seconds of its file (the end of an upload). */
#define ORPHAN_AGE_MS (3600LL * 1000)

struct ids {
	int64_t v[PURGE_BATCH];
	size_t n;
};

static void keep_id(void *cls, int64_t id)
{
	struct ids *s = cls;
	if (s->n < PURGE_BATCH)
		s->v[s->n++] = id;
}

/* A blob whose row went with a document: its file goes after the commit. */
struct gone_blob {
	char name[BST_Q_BLOB_NAME_LEN];
};

struct purge_doc {
	int64_t id;
	bool purged;
	int64_t versions, bytes;
	int64_t *blob_ids;
	size_t n_blobs, cap_blobs;
	bool oom;
	struct gone_blob *gone;
	size_t n_gone;
};

static void keep_version(void *cls, const struct bst_document_version_row *v)
{
	struct purge_doc *p = cls;
	p->versions++;
	p->bytes += v->size;
	if (p->n_blobs == p->cap_blobs) {
		size_t cap = p->cap_blobs ? 2 * p->cap_blobs : 8;
		int64_t *b = realloc(p->blob_ids, cap * sizeof *b);
		if (!b) {
			p->oom = true;
			return;
		}
		p->blob_ids = b;
		p->cap_blobs = cap;
	}
	p->blob_ids[p->n_blobs++] = v->blob_id;
}

/* One document's rows, all or nothing; starts over when retried. */
static enum bst_qs purge_doc_txn(bst_db *db, void *cls)
{
	struct purge_doc *p = cls;
	p->purged = false;
	p->versions = p->bytes = 0;
	p->n_blobs = p->n_gone = 0;
	enum bst_qs qs = bst_q_document_versions(db, p->id, keep_version, p);
	if (qs < 0)
		return qs;
	if (p->oom)
		return BST_QS_HARD_ERROR;
	qs = bst_q_document_purge(db, p->id);
	if (qs <= 0)
		return qs; /* restored meanwhile: nothing to do */
	qs = bst_q_search_delete(db, "document", p->id);
	if (qs < 0)
		return qs;
	free(p->gone);
	p->gone = calloc(p->n_blobs ? p->n_blobs : 1, sizeof *p->gone);
	if (!p->gone)
		return BST_QS_HARD_ERROR;
	for (size_t i = 0; i < p->n_blobs; i++) {
		qs = bst_q_blob_referenced(db, p->blob_ids[i]);
		if (qs < 0)
			return qs;
		if (qs > 0)
			continue; /* another version or an avatar uses it */
		struct bst_blob_row row;
		qs = bst_q_blob_get(db, p->blob_ids[i], &row);
		if (qs < 0)
			return qs;
		if (qs == BST_QS_NO_RESULTS)
			continue;
		qs = bst_q_blob_delete(db, p->blob_ids[i]);
		if (qs < 0)
			return qs;
		snprintf(p->gone[p->n_gone++].name, sizeof p->gone->name, "%s", row.name);
	}
	p->purged = true;
	return BST_QS_ONE_RESULT;
}

static enum bst_qs purge_folder_txn(bst_db *db, void *cls)
{
	return bst_q_folder_purge(db, *(int64_t *)cls);
}

int bst_doc_purge(struct bst_ctx *ctx, struct bst_doc_purge_counts *out)
{
	memset(out, 0, sizeof *out);
	bst_db *db = ctx->platform->main;
	const char *slug = ctx->platform->slug;
	int64_t before = ctx->now - BST_DOC_RESTORE_MS - BST_DOC_PURGE_GRACE_MS;
	int rc = 0;
	json_t *ids = json_array();
	struct ids docs = {.n = 0};
	if (bst_q_documents_purgeable(db, before, PURGE_BATCH, keep_id, &docs) < 0)
		rc = -1;
	for (size_t i = 0; i < docs.n; i++) {
		struct purge_doc p = {.id = docs.v[i]};
		if (bst_db_transaction(db, purge_doc_txn, &p) < 0) {
			bst_log_error("platform %s: cannot purge document %lld", slug,
				      (long long)p.id);
			rc = -1;
		} else if (p.purged) {
			out->documents++;
			out->versions += p.versions;
			out->bytes += p.bytes;
			json_array_append_new(ids, json_integer(p.id));
			for (size_t k = 0; k < p.n_gone; k++) {
				/* a file left behind is an orphan: the sweep retries */
				if (bst_blob_remove_file(ctx, p.gone[k].name) == 0)
					out->blobs++;
			}
		}
		free(p.blob_ids);
		free(p.gone);
	}
	/* a folder goes once nothing refers to it: its children the pass
	 * before (the deepest first, pass after pass) */
	struct ids folders = {.n = 0};
	if (bst_q_folders_purgeable(db, before, PURGE_BATCH, keep_id, &folders) < 0)
		rc = -1;
	for (size_t i = 0; i < folders.n; i++) {
		enum bst_qs qs = bst_db_transaction(db, purge_folder_txn, &folders.v[i]);
		if (qs < 0)
			rc = -1;
		else if (qs > 0)
			out->folders++;
	}
	int orphans = bst_blob_sweep_orphans(ctx, ctx->now - ORPHAN_AGE_MS);
	if (orphans < 0)
		rc = -1;
	else
		out->orphans = orphans;
	if (out->documents || out->folders || out->orphans) {
		json_t *det = json_pack("{sI sI sI sI sI sI so}", "documents",
					(json_int_t)out->documents, "folders",
					(json_int_t)out->folders, "versions",
					(json_int_t)out->versions, "blobs", (json_int_t)out->blobs,
					"bytes", (json_int_t)out->bytes, "orphans",
					(json_int_t)out->orphans, "ids", ids);
		ids = NULL;
		bst_audit_record(ctx, "document.purge", "deleted documents", det);
		bst_log_info("platform %s: purged %lld document(s), %lld folder(s), %lld blob "
			     "file(s), %lld orphan file(s)",
			     slug, (long long)out->documents, (long long)out->folders,
			     (long long)out->blobs, (long long)out->orphans);
	}
	json_decref(ids);
	return rc;
}

/* ---- the scheduler's job ---- */

struct platforms {
	struct bst_platform **v;
	size_t n, cap;
};

static void collect(struct bst_platform *p, void *cls)
{
	struct platforms *s = cls;
	if (atomic_load(&p->suspended))
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct bst_platform **v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = p;
}

void bst_doc_purge_run(struct bst_install *in, bst_registry *reg,
		       const struct bst_config *cfg, int64_t now)
{
	struct platforms all = {NULL, 0, 0};
	bst_registry_each(reg, collect, &all);
	for (size_t i = 0; i < all.n; i++) {
		bst_arena *arena = bst_arena_new();
		struct bst_ctx ctx = {
			.install = in,
			.config = cfg,
			.platform = all.v[i],
			.actor = BST_ACTOR_OPERATOR,
			.client_addr = "scheduler",
			.user_agent = "bastide-scheduler",
			.now = now,
			.arena = arena,
		};
		struct bst_doc_purge_counts counts;
		if (bst_platform_settings(all.v[i], &ctx.settings, now) == 0)
			bst_doc_purge(&ctx, &counts);
		else
			bst_log_warn("platform %s: document purge skipped (no settings)",
				     all.v[i]->slug);
		bst_arena_free(arena);
	}
	free(all.v);
}
