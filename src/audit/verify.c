/* Trail verification (see verify.h). */
#include "audit/verify.h"
#include "core/log.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cp {
	int64_t id, seq, at_ms;
	char hash[BST_TRAIL_HASH_HEX];
	bool truncation;
};

struct state {
	const char *slug;
	const uint8_t *pk;
	struct bst_audit_verdict *v;
	struct cp *cps;
	size_t n_cps, cap_cps, next_cp;
	bool oom;
	/* chain walk */
	int64_t expected, start;
	uint8_t prev[BST_TRAIL_HASH_BYTES];
	bst_buf scratch;
};

static void broken(struct state *s, int64_t seq, int64_t at_ms, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void broken(struct state *s, int64_t seq, int64_t at_ms, const char *fmt, ...)
{
	if (!s->v->ok)
		return; /* the first break only */
	s->v->ok = false;
	s->v->broken_seq = seq;
	s->v->broken_at_ms = at_ms;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->v->reason, sizeof s->v->reason, fmt, ap);
	va_end(ap);
}

static int load_checkpoint(void *cls, const struct bst_checkpoint_row *c)
{
	struct state *s = cls;
	if (s->n_cps == s->cap_cps) {
		size_t cap = s->cap_cps ? 2 * s->cap_cps : 64;
		struct cp *n = realloc(s->cps, cap * sizeof *n);
		if (!n) {
			s->oom = true;
			return 1;
		}
		s->cps = n;
		s->cap_cps = cap;
	}
	bst_buf msg;
	bst_buf_init(&msg);
	uint8_t sig[crypto_sign_BYTES];
	size_t len = 0;
	bool sig_ok = strlen(c->signature) == 2 * sizeof sig &&
		      sodium_hex2bin(sig, sizeof sig, c->signature, strlen(c->signature),
				     NULL, &len, NULL) == 0 &&
		      len == sizeof sig &&
		      bst_checkpoint_message(s->slug, c->kind, c->seq, c->hash, c->at_ms,
					     &msg) == 0 &&
		      crypto_sign_verify_detached(sig, (const uint8_t *)msg.data, msg.len,
						  s->pk) == 0;
	bst_buf_free(&msg);
	if (!sig_ok) {
		broken(s, c->seq, c->at_ms,
		       "checkpoint %lld (of entry %lld) does not carry a valid signature "
		       "of this "
		       "installation's key",
		       (long long)c->id, (long long)c->seq);
		return 1;
	}
	struct cp *p = &s->cps[s->n_cps++];
	p->id = c->id;
	p->seq = c->seq;
	p->at_ms = c->at_ms;
	snprintf(p->hash, sizeof p->hash, "%s", c->hash);
	p->truncation = strcmp(c->kind, "truncation") == 0;
	s->v->checkpoints++;
	return 0;
}

static int walk(void *cls, const struct bst_trail_entry *e, const char *hash)
{
	struct state *s = cls;
	if (e->seq != s->expected) {
		if (e->seq > s->expected)
			broken(s, s->expected, e->at_ms,
			       "entry %lld is missing (deleted, or moved elsewhere)",
			       (long long)s->expected);
		else
			broken(s, e->seq, e->at_ms,
			       "entry %lld lies before the start of the chain (inserted)",
			       (long long)e->seq);
		return 1;
	}
	char hex[BST_TRAIL_HASH_HEX];
	if (bst_trail_hash(s->prev, e, &s->scratch, s->prev, hex) != 0) {
		s->oom = true;
		return 1;
	}
	if (strcmp(hex, hash) != 0) {
		broken(s, e->seq, e->at_ms,
		       "entry %lld does not match its hash (edited, inserted or moved)",
		       (long long)e->seq);
		return 1;
	}
	while (s->next_cp < s->n_cps && s->cps[s->next_cp].seq <= e->seq) {
		struct cp *c = &s->cps[s->next_cp++];
		if (c->seq == e->seq && strcmp(c->hash, hex) != 0) {
			broken(s, e->seq, e->at_ms,
			       "the chain does not pass through checkpoint %lld: entries "
			       "up to %lld "
			       "were rewritten after it was signed",
			       (long long)c->id, (long long)e->seq);
			return 1;
		}
	}
	s->v->entries++;
	s->expected++;
	return 0;
}

int bst_audit_verify(bst_db *db, const char *slug, const uint8_t pk[BST_AUDIT_PK_BYTES],
		     int64_t from_ms, struct bst_audit_verdict *v)
{
	memset(v, 0, sizeof *v);
	v->ok = true;
	struct state s = {.slug = slug, .pk = pk, .v = v};
	bst_buf_init(&s.scratch);
	int rc = -1;
	if (bst_q_checkpoint_each(db, load_checkpoint, &s) < 0 || s.oom)
		goto cleanup;
	if (!v->ok) {
		rc = 0;
		goto cleanup;
	}
	/* the chain starts after the last truncation, or from zero */
	int64_t anchor_seq = 0;
	const char *anchor_hash = NULL;
	for (size_t i = 0; i < s.n_cps; i++)
		if (s.cps[i].truncation && s.cps[i].seq >= anchor_seq) {
			anchor_seq = s.cps[i].seq;
			anchor_hash = s.cps[i].hash;
		}
	int64_t from_seq = INT64_MIN;
	if (from_ms) {
		int64_t first = 0;
		if (bst_q_trail_first_at(db, from_ms, &first) < 0)
			goto cleanup;
		/* the last checkpoint before that entry vouches for its predecessor */
		for (size_t i = 0; first && i < s.n_cps; i++)
			if (s.cps[i].seq < first && s.cps[i].seq >= anchor_seq) {
				anchor_seq = s.cps[i].seq;
				anchor_hash = s.cps[i].hash;
			}
		from_seq = anchor_seq + 1;
	}
	if (anchor_hash && bst_trail_hash_parse(anchor_hash, s.prev) != 0) {
		broken(&s, anchor_seq, 0,
		       "the checkpoint of entry %lld holds a malformed hash",
		       (long long)anchor_seq);
		rc = 0;
		goto cleanup;
	}
	s.expected = s.start = anchor_seq + 1;
	while (s.next_cp < s.n_cps && s.cps[s.next_cp].seq < s.start)
		s.next_cp++;
	if (bst_q_trail_each(db, from_seq, walk, &s) < 0 || s.oom)
		goto cleanup;
	if (v->ok && s.next_cp < s.n_cps) {
		struct cp *c = &s.cps[s.n_cps - 1];
		broken(
		    &s, s.expected, c->at_ms,
		    "entries %lld to %lld are missing (checkpoint %lld vouches for them)",
		    (long long)s.expected, (long long)c->seq, (long long)c->id);
	}
	rc = 0;
cleanup:
	if (rc != 0)
		bst_log_error("audit: cannot read the trail of platform %s", slug);
	bst_buf_free(&s.scratch);
	free(s.cps);
	return rc;
}
