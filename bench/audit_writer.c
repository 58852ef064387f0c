/* bench_audit: the access-trace writer's capacity. Two producer threads
 * queue N realistic access entries for one platform as fast as they can;
 * the clock stops when bst_audit_writer_stop has drained and committed
 * everything (with the shutdown checkpoint). Prints entries/s and the size
 * of audit.db per million entries. Reports; asserts nothing.
 * Usage: bench_audit DIR [N] (DIR: an empty scratch directory). */
#include "audit/writer.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

static long n_per_thread;

static void *produce(void *arg)
{
	long id = (long)(intptr_t)arg;
	char path[128];
	for (long i = 0; i < n_per_thread; i++) {
		snprintf(path, sizeof path, "/groups/%ld?page=%ld", i % 97, id);
		struct bst_trail_entry e = {
			.at_ms = bst_now_ms(),
			.kind = BST_TRAIL_ACCESS,
			.user_id = 1 + i % 500,
			.session_ref = "0123456789abcdef",
			.client_addr = "192.0.2.17",
			.method = "GET",
			.path = path,
			.status = 200,
			.bytes = 18000,
			.duration_ms = 3,
			.user_agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
				      "Gecko) Chrome/120.0 Safari/537.36",
		};
		bst_audit_enqueue("bench", &e);
	}
	return NULL;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_audit DIR [N]\n");
		return 2;
	}
	long n = argc > 2 ? atol(argv[2]) : 500000;
	n_per_thread = n / 2;
	bst_log_set_level(BST_LOG_WARN);
	char dir[600], err[600];
	snprintf(dir, sizeof dir, "%s/platforms", argv[1]);
	mkdir(dir, 0700);
	snprintf(dir, sizeof dir, "%s/platforms/bench", argv[1]);
	mkdir(dir, 0700);
	if (bst_crypto_init() != 0 || bst_audit_writer_start(argv[1], err, sizeof err) != 0) {
		fprintf(stderr, "bench_audit: %s\n", err);
		return 1;
	}
	double t0 = seconds();
	pthread_t th[2];
	for (long i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, produce, (void *)(intptr_t)i);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	bst_audit_writer_stop();
	double dt = seconds() - t0;
	struct bst_audit_writer_stats st;
	bst_audit_writer_stats(&st);
	char db[700];
	snprintf(db, sizeof db, "%s/audit.db", dir);
	struct stat sb;
	double mb = stat(db, &sb) == 0 ? (double)sb.st_size / 1e6 : 0;
	printf("bench audit: writer %.0f entries/s (%lu written, %lu dropped, %.2f s; target >= "
	       "50000), audit.db %.0f MB per million entries\n",
	       (double)st.written / dt, (unsigned long)st.written, (unsigned long)st.dropped, dt,
	       st.written ? mb * 1e6 / (double)st.written : 0);
	return 0;
}
