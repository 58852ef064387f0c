/* bastide serve: the HTTP(S) server and the background jobs, until
 * SIGINT or SIGTERM. */
#include "audit/retention.h"
#include "audit/syslog.h"
#include "audit/writer.h"
#include "cli/common.h"
#include "core/log.h"
#include "http/server.h"
#include "ops/destroy.h"
#include "ops/backup_job.h"
#include "ops/mail.h"
#include "ops/scheduler.h"
#include "social/documents.h"
#include "social/notifications.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
	"Usage: bastide serve --data DIR [--config FILE] [--listen ADDR:PORT]\n"
	"Runs the server and the job scheduler in the foreground. SIGINT or SIGTERM\n"
	"stop accepting connections, finish the requests in flight, flush the queues\n"
	"(the access traces included, then a signed checkpoint of each trail)\n"
	"and exit with status 0.\n";

/* What the scheduled jobs work on. */
struct jobs {
	struct bst_install *install;
	bst_registry *registry;
	const struct bst_config *config;
};

static void job_notification_mail(void *cls, int64_t now)
{
	struct jobs *j = cls;
	bst_notification_mail_run(j->install, j->registry, j->config, now);
}

static void job_digest(void *cls, int64_t now)
{
	struct jobs *j = cls;
	bst_digest_run(j->install, j->registry, j->config, now);
}

static void job_document_purge(void *cls, int64_t now)
{
	struct jobs *j = cls;
	bst_doc_purge_run(j->install, j->registry, j->config, now);
}

static void job_audit_retention(void *cls, int64_t now)
{
	struct jobs *j = cls;
	bst_audit_retention_run(j->install, j->registry, j->config, now);
}

static void job_offboarding(void *cls, int64_t now)
{
	struct jobs *j = cls;
	bst_offboard_run(j->install, j->config, now);
}

static void job_backup(void *cls, int64_t now)
{
	struct jobs *j = cls;
	bst_backup_scheduled(j->install, j->config, now);
}

/* The jobs and their first run after start: the mail safety net soon, the
 * digest after a minute (a server restarting in a loop does not mail), the
 * purge of deleted documents after two, the backup check after thirty
 * seconds (it backs up once the configured time of day has passed), the
 * trail's retention purge after ten minutes, then daily; the destruction of
 * platforms whose offboarding notice ended, every minute. */
static struct bst_scheduler *start_jobs(struct jobs *j)
{
	struct bst_scheduler *s = bst_scheduler_new();
	if (!s || bst_scheduler_add(s, "notification-mail", 5000, BST_NOTIFY_MAIL_PERIOD_MS,
				    job_notification_mail, j) != 0 ||
	    bst_scheduler_add(s, "digest", 60000, BST_DIGEST_RUN_PERIOD_MS, job_digest, j) != 0 ||
	    bst_scheduler_add(s, "document-purge", 120000, BST_DOC_PURGE_PERIOD_MS,
			      job_document_purge, j) != 0 ||
	    bst_scheduler_add(s, "audit-retention", 10 * 60000, BST_AUDIT_PURGE_PERIOD_MS,
			      job_audit_retention, j) != 0 ||
	    bst_scheduler_add(s, "backup", 30000, BST_BACKUP_CHECK_PERIOD_MS, job_backup, j) != 0 ||
	    bst_scheduler_add(s, "offboarding", 1000, BST_OFFBOARD_CHECK_PERIOD_MS,
			      job_offboarding, j) != 0 ||
	    bst_scheduler_start(s) != 0) {
		bst_scheduler_stop(s);
		return NULL;
	}
	return s;
}

int bst_cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {BST_CLI_COMMON_OPTS,
					     {"listen", required_argument, NULL, 'l'},
					     {0, 0, 0, 0}};
	struct bst_cli c;
	bst_cli_init(&c);
	const char *listen = NULL;
	int o;
	while ((o = bst_cli_next_opt(&c, argc, argv, opts, usage)) > 0) {
		if (o != 'l')
			return bst_cli_usage(usage);
		listen = optarg;
	}
	if (o != BST_CLI_OPTS_DONE)
		return bst_cli_opts_exit(o);
	if (optind != argc)
		return bst_cli_usage(usage);
	if (bst_cli_open(&c) != 0)
		return BST_EXIT_FAIL;
	if (listen)
		snprintf(c.cfg.listen, sizeof c.cfg.listen, "%s", listen);

	/* signals are taken synchronously by this thread; every other thread
	 * inherits the blocked mask */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	struct bst_server srv = {.install = c.install, .config = &c.cfg};
	char err[600];
	/* the access trail's writer first: the first request is traced */
	if (bst_audit_syslog_open(c.cfg.audit_syslog, err, sizeof err) != 0 ||
	    bst_audit_writer_start(c.install->dir, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	if (bst_server_start(&srv, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		bst_server_stop(&srv);
		bst_audit_writer_stop();
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	struct bst_mailer *mailer = bst_mailer_start(c.install, &c.cfg);
	struct jobs jobs = {c.install, srv.registry, &c.cfg};
	struct bst_scheduler *scheduler = start_jobs(&jobs);
	if (!scheduler)
		bst_log_error("the job scheduler did not start: no notification mail, no digests, "
			      "no purge of the access log");
#ifdef BST_BENCH_NO_TRAIL
	bst_log_error("THIS BUILD KEEPS NO ACCESS TRACES (-Dbench_no_trail, for benchmarks "
		      "only): never run it for real platforms");
#endif
	bst_log_info("bastide %s serving on http://%s%s%s (data %s)", BST_VERSION, c.cfg.listen,
		     c.cfg.tls_listen[0] ? " and https://" : "", c.cfg.tls_listen, c.data);
	int sig = 0;
	sigwait(&set, &sig);
	bst_log_info("received %s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	/* the jobs use the server's platform registry: they stop first */
	bst_scheduler_stop(scheduler);
	bst_server_stop(&srv);
	/* every request answered is queued by now: drain, checkpoint, stop */
	bst_audit_writer_stop();
	bst_audit_syslog_close();
	bst_mailer_stop(mailer);
	bst_cli_close(&c);
	curl_global_cleanup();
	bst_log_info("stopped");
	return BST_EXIT_OK;
}
