/* Access-log exports (see export.h). */
#include "audit/export.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/queries.h"

#include <stdlib.h>
#include <string.h>

void bst_audit_csv_cell(bst_buf *b, const char *s)
{
	if (!s)
		s = "";
	bool formula = s[0] && strchr("=+-@\t\r", s[0]);
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		bst_buf_putc(b, '"');
	if (formula)
		bst_buf_putc(b, '\'');
	for (const char *p = s; *p; p++) {
		const char *q = quote ? strchr(p, '"') : NULL;
		size_t n = q ? (size_t)(q - p) : strlen(p);
		bst_buf_append(b, p, n);
		p += n;
		if (!*p)
			break;
		bst_buf_puts(b, "\"\""); /* *p is a quote */
	}
	if (quote)
		bst_buf_putc(b, '"');
}

void bst_audit_names_init(struct bst_audit_names *n, bst_db *main)
{
	memset(n, 0, sizeof *n);
	n->main = main;
}

const char *bst_audit_name(struct bst_audit_names *n, int64_t user_id)
{
	if (user_id <= 0)
		return "";
	size_t i = (size_t)user_id % BST_AUDIT_NAMES_SLOTS;
	if (n->slot[i].id != user_id) {
		struct bst_user_row u;
		n->slot[i].id = user_id;
		n->slot[i].email[0] = '\0';
		if (bst_q_user_by_id(n->main, user_id, &u) == BST_QS_ONE_RESULT)
			snprintf(n->slot[i].email, sizeof n->slot[i].email, "%s", u.email);
	}
	return n->slot[i].email;
}

json_t *bst_audit_entry_json(const struct bst_trail_entry *e, const char *user_email)
{
	char at[40];
	bst_time_format_iso(e->at_ms, at, sizeof at);
	json_t *details = e->details[0] ? json_loads(e->details, 0, NULL) : NULL;
	return json_pack("{sIsssssosssssssssssssIsIsIssssssso}", "seq", (json_int_t)e->seq, "at",
			 at, "kind", e->kind == BST_TRAIL_EVENT ? "event" : "access", "user_id",
			 e->user_id ? json_integer(e->user_id) : json_null(), "user", user_email,
			 "actor", e->actor, "session_ref", e->session_ref, "client_addr",
			 e->client_addr, "method", e->method, "path", e->path, "status",
			 (json_int_t)e->status, "bytes", (json_int_t)e->bytes, "duration_ms",
			 (json_int_t)e->duration_ms, "user_agent", e->user_agent, "event",
			 e->event, "target", e->target, "details",
			 details ? details : json_object());
}

struct bst_audit_export {
	bst_db *audit;
	struct bst_audit_query q;
	char addr[BST_AUDIT_ADDR_MAX + 1], what[BST_AUDIT_WHAT_MAX + 1];
	enum bst_audit_format fmt;
	bst_buf out;
	size_t off;
	bool started, done;
	int64_t rows, page_rows;
	struct bst_audit_names names;
};

static const char csv_header[] = "seq,time,kind,user,actor,session,address,method,path,"
				 "status,bytes,duration_ms,user_agent,event,target,details\r\n";

struct bst_audit_export *bst_audit_export_new(bst_db *audit, bst_db *main,
					      const struct bst_audit_query *q,
					      enum bst_audit_format fmt)
{
	struct bst_audit_export *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->audit = audit;
	x->fmt = fmt;
	x->q = *q;
	/* the texts pointed into the request: keep copies */
	x->q.f.target = q->f.target ? x->q.email : NULL;
	if (q->f.client_addr) {
		snprintf(x->addr, sizeof x->addr, "%s", q->f.client_addr);
		x->q.f.client_addr = x->addr;
	}
	const char *what = q->f.path_prefix ? q->f.path_prefix : q->f.event_prefix;
	if (what) {
		snprintf(x->what, sizeof x->what, "%s", what);
		if (q->f.path_prefix)
			x->q.f.path_prefix = x->what;
		else
			x->q.f.event_prefix = x->what;
	}
	x->q.f.limit = BST_AUDIT_EXPORT_PAGE;
	bst_buf_init(&x->out);
	bst_audit_names_init(&x->names, main);
	return x;
}

static void put_int(bst_buf *b, int64_t v)
{
	bst_buf_printf(b, "%lld,", (long long)v);
}

static int put_row(void *cls, const struct bst_trail_entry *e, const char *hash)
{
	(void)hash;
	struct bst_audit_export *x = cls;
	const char *email = bst_audit_name(&x->names, e->user_id);
	bst_buf *b = &x->out;
	if (x->fmt == BST_AUDIT_CSV) {
		char at[40];
		bst_time_format_iso(e->at_ms, at, sizeof at);
		put_int(b, e->seq);
		bst_buf_printf(b, "%s,%s,", at, e->kind == BST_TRAIL_EVENT ? "event" : "access");
		const char *texts[] = {email, e->actor, e->session_ref, e->client_addr, e->method,
				       e->path};
		for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
			bst_audit_csv_cell(b, texts[i]);
			bst_buf_putc(b, ',');
		}
		put_int(b, e->status);
		put_int(b, e->bytes);
		put_int(b, e->duration_ms);
		const char *tail[] = {e->user_agent, e->event, e->target, e->details};
		for (size_t i = 0; i < sizeof tail / sizeof *tail; i++) {
			if (i)
				bst_buf_putc(b, ',');
			bst_audit_csv_cell(b, tail[i]);
		}
		bst_buf_puts(b, "\r\n");
	} else {
		json_t *j = bst_audit_entry_json(e, email);
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (!text) {
			b->oom = true;
			return 1;
		}
		bst_buf_puts(b, x->rows ? ",\n" : "\n");
		bst_buf_puts(b, text);
		free(text);
	}
	x->rows++;
	x->page_rows++;
	x->q.f.before = e->seq;
	x->q.f.before_at_ms = e->at_ms;
	return 0;
}

/* The next piece of the export into x->out (emptied first). */
static int fill(struct bst_audit_export *x)
{
	bst_buf_reset(&x->out);
	x->off = 0;
	if (!x->started) {
		x->started = true;
		bst_buf_puts(&x->out, x->fmt == BST_AUDIT_CSV ? csv_header : "[");
	}
	x->page_rows = 0;
	if (bst_q_trail_list(x->audit, &x->q.f, put_row, x) < 0 || x->out.oom) {
		bst_log_error("audit: an export of %s stopped after %lld entries",
			      bst_db_path(x->audit), (long long)x->rows);
		return -1;
	}
	if (x->page_rows < BST_AUDIT_EXPORT_PAGE) {
		x->done = true;
		if (x->fmt == BST_AUDIT_JSON)
			bst_buf_puts(&x->out, "\n]\n");
	}
	return x->out.oom ? -1 : 0;
}

ssize_t bst_audit_export_read(struct bst_audit_export *x, char *buf, size_t max)
{
	while (x->off == x->out.len) {
		if (x->done)
			return 0;
		if (fill(x) != 0)
			return -1;
	}
	size_t n = x->out.len - x->off;
	if (n > max)
		n = max;
	memcpy(buf, x->out.data + x->off, n);
	x->off += n;
	return (ssize_t)n;
}

int64_t bst_audit_export_rows(const struct bst_audit_export *x)
{
	return x->rows;
}

void bst_audit_export_free(struct bst_audit_export *x)
{
	if (!x)
		return;
	bst_buf_free(&x->out);
	free(x);
}
