/* libFuzzer target for the access log's filters (src/audit/filter.c), as
 * the back office, its exports and the API take them from a query: the
 * input is split at newlines into user, addr, what, status, from, to and
 * cursor. Promises checked: an accepted filter holds only what its parser
 * allows (a status class 2 to 5, dates at midnight UTC that format back to
 * what was typed, a range that is not empty, an event prefix of
 * [a-z0-9._] or a path of printable ASCII, a positive cursor), and an
 * accepted date is exactly one of the days the calendar has. */
#include "audit/filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DAY_MS 86400000LL

/* The date ms formats to, as YYYY-MM-DD. */
static void format_day(int64_t ms, char out[16])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 16, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static void check_date(const char *typed, int64_t ms)
{
	char back[16];
	if (ms < 0 || ms % DAY_MS != 0)
		abort();
	format_day(ms, back);
	if (strcmp(back, typed) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	const char *field[7] = {0};
	char *p = in;
	for (int i = 0; i < 7 && p; i++) {
		field[i] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	struct bst_audit_filter_args a = {field[0], field[1], field[2], field[3],
					  field[4], field[5], field[6]};
	struct bst_audit_query q;
	if (bst_audit_filter_parse(&a, &q) == BST_ALOG_OK) {
		const struct bst_trail_filter *f = &q.f;
		if (f->status_class != 0 && (f->status_class < 2 || f->status_class > 5))
			abort();
		if (f->from_ms)
			check_date(a.from, f->from_ms);
		if (f->to_ms)
			check_date(a.to, f->to_ms - DAY_MS);
		if (f->from_ms && f->to_ms && f->from_ms >= f->to_ms)
			abort();
		if (f->event_prefix)
			for (const char *c = f->event_prefix; *c; c++)
				if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' ||
				      *c == '_'))
					abort();
		if (f->path_prefix)
			for (const unsigned char *c = (const unsigned char *)f->path_prefix; *c; c++)
				if (*c <= ' ' || *c >= 0x7f)
					abort();
		if (a.cursor && a.cursor[0] && (f->before <= 0 || f->before_at_ms < 0))
			abort();
		if (f->target && strcmp(f->target, q.email) != 0)
			abort();
	}
	/* a date alone: accepted exactly when the calendar has it */
	int64_t ms;
	if (bst_audit_date_parse(in, &ms)) {
		check_date(in, ms);
	}
	free(in);
	return 0;
}
