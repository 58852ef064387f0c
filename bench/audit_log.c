/* bench_audit_log: the back office's filtered queries on a year of trail.
 * Generates N entries (10 million by default: about a year of a
 * 500-person platform) spread evenly over 365 days into DIR/audit.db,
 * chained through bst_trail_append in transactions of BATCH entries — the
 * writer's own code, so `bastide audit verify` could pass on the result —
 * then times QUERIES first pages (50 entries, as the viewer shows) of each
 * filter through bst_q_trail_list, the function the back office calls: by
 * user, by client address, by date range (one day). Prints the p50/p95 of
 * each, the generation rate and the file size per million entries.
 * Reports; asserts nothing.
 * Usage: bench_audit_log DIR [N] (DIR: an empty scratch directory). */
#include "audit/trail.h"
#include "core/crypto.h"
#include "core/log.h"
#include "db/q_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PEOPLE      500
#define ADDRESSES   2 /* per person: office and home */
#define AGENTS      40
#define BATCH       20000
#define QUERIES     200
#define PAGE        50
#define DAY_MS      (24LL * 3600 * 1000)
#define YEAR_START  1735689600000LL /* 2025-01-01T00:00:00Z */

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* what people open; the number is an object's id */
static const char *const paths[] = {"/",          "/groups",        "/groups/",
				    "/posts/",    "/documents",     "/documents/",
				    "/people/",   "/notifications", "/search?q=budget",
				    "/api/v1/me", "/settings/sessions"};

static void address(int person, int which, char *out, size_t len)
{
	if (which == 0)
		snprintf(out, len, "10.%d.%d.%d", 1 + person / 250, person % 250, 10);
	else
		snprintf(out, len, "198.51.%d.%d", person % 250, 1 + person / 250);
}

struct gen {
	struct bst_trail_entry e[BATCH];
	struct bst_trail_entry *p[BATCH];
	char path[BATCH][48], addr[BATCH][24], ua[AGENTS][128];
};

static int noop(void *cls, const struct bst_trail_entry *e, const char *hash)
{
	(void)e;
	(void)hash;
	(*(int *)cls)++;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, double *ms, int n, long rows)
{
	qsort(ms, (size_t)n, sizeof *ms, cmp);
	printf("bench audit log: viewer by %-8s p50 %6.2f ms, p95 %6.2f ms (target < 100 ms; "
	       "%d queries, %ld rows)\n",
	       what, ms[n / 2], ms[(n * 95) / 100], n, rows);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_audit_log DIR [N]\n");
		return 2;
	}
	long n = argc > 2 ? atol(argv[2]) : 10000000;
	bst_log_set_level(BST_LOG_WARN);
	char path[700], err[600];
	snprintf(path, sizeof path, "%s/audit.db", argv[1]);
	bst_db *db = NULL;
	if (bst_crypto_init() != 0 || bst_db_open(path, BST_DB_AUDIT, &db, err, sizeof err) != 0) {
		fprintf(stderr, "bench_audit_log: %s\n", err);
		return 1;
	}
	struct gen *g = calloc(1, sizeof *g);
	if (!g)
		return 1;
	for (int i = 0; i < AGENTS; i++)
		snprintf(g->ua[i], sizeof g->ua[i],
			 "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
			 "Chrome/%d.0 Safari/537.36",
			 100 + i);
	double t0 = seconds();
	int64_t step = 365 * DAY_MS / (n > 0 ? n : 1);
	for (long done = 0; done < n;) {
		int m = n - done < BATCH ? (int)(n - done) : BATCH;
		for (int i = 0; i < m; i++) {
			long k = done + i;
			int person = (int)(next() % PEOPLE);
			bool anon = next() % 10 == 0;
			const char *pp = paths[next() % (sizeof paths / sizeof *paths)];
			if (pp[strlen(pp) - 1] == '/')
				snprintf(g->path[i], sizeof g->path[i], "%s%d", pp,
					 (int)(next() % 5000));
			else
				snprintf(g->path[i], sizeof g->path[i], "%s", pp);
			address(person, (int)(next() % ADDRESSES), g->addr[i], sizeof g->addr[i]);
			g->e[i] = (struct bst_trail_entry){
			    .at_ms = YEAR_START + k * step,
			    .kind = BST_TRAIL_ACCESS,
			    .user_id = anon ? 0 : 1 + person,
			    .session_ref = anon ? "" : "0123456789abcdef",
			    .client_addr = g->addr[i],
			    .method = "GET",
			    .path = g->path[i],
			    .status = next() % 50 ? 200 : 404,
			    .bytes = 18000,
			    .duration_ms = 3,
			    .user_agent = g->ua[person % AGENTS],
			};
			g->p[i] = &g->e[i];
		}
		if (bst_trail_append(db, g->p, (size_t)m) != 0) {
			fprintf(stderr, "bench_audit_log: append failed after %ld entries\n", done);
			return 1;
		}
		done += m;
	}
	double gen_s = seconds() - t0;

	double ms[QUERIES];
	long rows = 0;
	const char *names[] = {"user", "address", "date"};
	for (int kind = 0; kind < 3; kind++) {
		rows = 0;
		for (int q = 0; q < QUERIES; q++) {
			char addr[24], email[48];
			int person = (int)(next() % PEOPLE);
			struct bst_trail_filter f = {.limit = PAGE};
			if (kind == 0) {
				/* as the viewer asks: what the account did, and the
				 * events naming its address */
				snprintf(email, sizeof email, "person%d@example.org", person);
				f.user_id = 1 + person;
				f.target = email;
			} else if (kind == 1) {
				address(person, (int)(next() % ADDRESSES), addr, sizeof addr);
				f.client_addr = addr;
			} else {
				int64_t day = (int64_t)(next() % 365);
				f.from_ms = YEAR_START + day * DAY_MS;
				f.to_ms = f.from_ms + DAY_MS;
			}
			int got = 0;
			double q0 = seconds();
			if (bst_q_trail_list(db, &f, noop, &got) < 0) {
				fprintf(stderr, "bench_audit_log: query failed\n");
				return 1;
			}
			ms[q] = (seconds() - q0) * 1000;
			rows += got;
		}
		report(names[kind], ms, QUERIES, rows);
	}
	bst_db_close(db);
	struct stat sb;
	double mb = stat(path, &sb) == 0 ? (double)sb.st_size / 1e6 : 0;
	printf("bench audit log: generated %ld chained entries in %.1f s (%.0f/s), audit.db %.0f MB, "
	       "%.0f MB per million entries\n",
	       n, gen_s, (double)n / gen_s, mb, n ? mb * 1e6 / (double)n : 0);
	free(g);
	return 0;
}
