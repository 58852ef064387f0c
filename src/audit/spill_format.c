/* The spill file's format: encoding and parsing (see spill.h), apart from
 * the file handling so that the fuzz target links it alone. */
#include "audit/spill.h"
#include "audit/chain.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define N_TEXTS 9

static const char *const *texts_of(const struct bst_trail_entry *e, const char *t[N_TEXTS])
{
	t[0] = e->actor;
	t[1] = e->session_ref;
	t[2] = e->client_addr;
	t[3] = e->method;
	t[4] = e->path;
	t[5] = e->user_agent;
	t[6] = e->event;
	t[7] = e->target;
	t[8] = e->details;
	return t;
}

int bst_spill_put_header(bst_buf *out, const uint8_t id[BST_SPILL_ID_BYTES])
{
	return bst_buf_append(out, BST_SPILL_MAGIC, sizeof BST_SPILL_MAGIC - 1) &&
		       bst_buf_append(out, id, BST_SPILL_ID_BYTES)
		   ? 0
		   : -1;
}

int bst_spill_put_record(bst_buf *out, const struct bst_trail_entry *e)
{
	size_t start = out->len;
	uint8_t len_be[4] = {0};
	const char *t[N_TEXTS];
	texts_of(e, t);
	bool ok = bst_buf_append(out, len_be, sizeof len_be) &&
		  bst_trail_put_int(out, e->at_ms) && bst_trail_put_int(out, e->kind) &&
		  bst_trail_put_int(out, e->user_id) && bst_trail_put_int(out, e->status) &&
		  bst_trail_put_int(out, e->bytes) && bst_trail_put_int(out, e->duration_ms);
	for (int i = 0; ok && i < N_TEXTS; i++)
		ok = bst_trail_put_text(out, t[i]);
	if (!ok)
		return -1;
	size_t body = out->len - start - sizeof len_be;
	if (body > BST_SPILL_RECORD_MAX) {
		out->len = start;
		return -1;
	}
	uint8_t *p = (uint8_t *)out->data + start;
	p[0] = (uint8_t)(body >> 24);
	p[1] = (uint8_t)(body >> 16);
	p[2] = (uint8_t)(body >> 8);
	p[3] = (uint8_t)body;
	uint8_t sum[BST_SPILL_SUM_BYTES];
	crypto_generichash(sum, sizeof sum, p + sizeof len_be, body, NULL, 0);
	return bst_buf_append(out, sum, sizeof sum) ? 0 : -1;
}

int bst_spill_read_header(FILE *f, uint8_t id[BST_SPILL_ID_BYTES])
{
	char magic[sizeof BST_SPILL_MAGIC - 1];
	if (fread(magic, 1, sizeof magic, f) != sizeof magic ||
	    memcmp(magic, BST_SPILL_MAGIC, sizeof magic) != 0 ||
	    fread(id, 1, BST_SPILL_ID_BYTES, f) != BST_SPILL_ID_BYTES)
		return -1;
	return 0;
}

static uint64_t be_u(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static int parse_body(FILE *f, uint8_t *p, size_t total, size_t body,
		      struct bst_spill_entry **out);

int bst_spill_read_record(FILE *f, struct bst_spill_entry **out)
{
	*out = NULL;
	uint8_t len_be[4];
	size_t got = fread(len_be, 1, sizeof len_be, f);
	if (got == 0 && feof(f))
		return 0;
	if (got != sizeof len_be)
		return -1;
	uint64_t body = be_u(len_be, 4);
	if (body == 0 || body > BST_SPILL_RECORD_MAX)
		return -1;
	size_t total = (size_t)body + BST_SPILL_SUM_BYTES;
	uint8_t *p = malloc(total);
	if (!p)
		return -1;
	int rc = parse_body(f, p, total, (size_t)body, out);
	free(p);
	return rc;
}

static int parse_body(FILE *f, uint8_t *p, size_t total, size_t body,
		      struct bst_spill_entry **out)
{
	if (fread(p, 1, total, f) != total)
		return -1;
	uint8_t sum[BST_SPILL_SUM_BYTES];
	crypto_generichash(sum, sizeof sum, p, (size_t)body, NULL, 0);
	if (sodium_memcmp(sum, p + body, sizeof sum) != 0)
		return -1;
	/* the fixed part, then nine framed texts that fill the body exactly */
	if (body < 6 * 8 + N_TEXTS * 4)
		return -1;
	int64_t ints[6];
	for (int i = 0; i < 6; i++)
		ints[i] = (int64_t)be_u(p + 8 * i, 8);
	size_t at = 6 * 8, text_len = 0;
	size_t off[N_TEXTS], len[N_TEXTS];
	for (int i = 0; i < N_TEXTS; i++) {
		if (body - at < 4)
			return -1;
		uint64_t n = be_u(p + at, 4);
		at += 4;
		if (n > body - at || memchr(p + at, '\0', (size_t)n))
			return -1; /* past the body, or a NUL no entry holds */
		off[i] = at;
		len[i] = (size_t)n;
		at += (size_t)n;
		text_len += (size_t)n + 1;
	}
	if (at != body || (ints[1] != BST_TRAIL_ACCESS && ints[1] != BST_TRAIL_EVENT))
		return -1;
	struct bst_spill_entry *s = malloc(sizeof *s + text_len);
	if (!s)
		return -1;
	memset(&s->e, 0, sizeof s->e);
	s->e.at_ms = ints[0];
	s->e.kind = ints[1];
	s->e.user_id = ints[2];
	s->e.status = ints[3];
	s->e.bytes = ints[4];
	s->e.duration_ms = ints[5];
	const char **dst[N_TEXTS] = {&s->e.actor,      &s->e.session_ref, &s->e.client_addr,
				     &s->e.method,     &s->e.path,        &s->e.user_agent,
				     &s->e.event,      &s->e.target,      &s->e.details};
	char *w = s->text;
	for (int i = 0; i < N_TEXTS; i++) {
		memcpy(w, p + off[i], len[i]);
		w[len[i]] = '\0';
		*dst[i] = w;
		w += len[i] + 1;
	}
	*out = s;
	return 1;
}

