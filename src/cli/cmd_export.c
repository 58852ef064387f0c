/* bastide export: a platform's data for its client (issue 6). Today: the
 * portable SQL dump alone, as plaintext that the operator asks for
 * knowingly; the encrypted archive (documents, access log, manifest) and
 * its transfer come on top of it. */
#include "cli/common.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/fileio.h"
#include "ops/dump.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"Usage: bastide export --platform SLUG --sql FILE --insecure-plaintext\n"
	"Options common to all: --data DIR (or BASTIDE_DATA), --config FILE.\n"
	"Writes every table of the platform's data (profiles, groups, publications,\n"
	"comments, reactions, documents' metadata, notifications, settings) as\n"
	"portable SQL that stock sqlite3 and psql load as it is, to FILE (created,\n"
	"mode 0600; - for standard output). Credentials are left out. The file is\n"
	"not encrypted: --insecure-plaintext says you know. The encrypted archive\n"
	"with the documents and its transfer to the client are not available yet.\n";

struct out {
	int fd;
};

static int write_fd(void *cls, const char *data, size_t len)
{
	struct out *o = cls;
	return bst_write_all(o->fd, data, len);
}

int bst_cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {BST_CLI_COMMON_OPTS,
					     {"platform", required_argument, NULL, 'p'},
					     {"sql", required_argument, NULL, 's'},
					     {"insecure-plaintext", no_argument, NULL, 'I'},
					     {0, 0, 0, 0}};
	struct bst_cli c;
	bst_cli_init(&c);
	const char *slug = NULL, *path = NULL;
	bool plaintext = false;
	int o;
	while ((o = bst_cli_next_opt(&c, argc, argv, opts, usage)) > 0) {
		switch (o) {
		case 'p': slug = optarg; break;
		case 's': path = optarg; break;
		case 'I': plaintext = true; break;
		default: return bst_cli_usage(usage);
		}
	}
	if (o != BST_CLI_OPTS_DONE)
		return bst_cli_opts_exit(o);
	if (optind != argc || !slug || !path)
		return bst_cli_usage(usage);
	if (!plaintext) {
		bst_cli_error("the SQL dump is written unencrypted: add --insecure-plaintext "
			      "to say you know (the encrypted archive is not available yet)");
		return BST_EXIT_USAGE;
	}
	if (bst_cli_open_platform(&c, slug) != 0) {
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	bool to_stdout = strcmp(path, "-") == 0;
	struct out out = {to_stdout ? STDOUT_FILENO
				    : open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
	if (out.fd < 0) {
		bst_cli_error("cannot create %s: %s", path,
			      errno == EEXIST ? "it exists already" : strerror(errno));
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	struct bst_dump_stats stats;
	char err[256];
	int rc = bst_dump_sql(c.platform, bst_now_ms(), write_fd, &out, &stats, err, sizeof err);
	if (rc == 0 && !to_stdout && fsync(out.fd) != 0) {
		snprintf(err, sizeof err, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (!to_stdout && close(out.fd) != 0 && rc == 0) {
		snprintf(err, sizeof err, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		if (!to_stdout)
			unlink(path); /* nothing half-written stays */
		bst_cli_error("%s", err);
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	int64_t rows = 0;
	for (size_t i = 0; i < stats.n_tables; i++)
		rows += stats.tables[i].rows;
	json_t *d = json_pack("{ss sI sI sI}", "format", "sql", "tables",
			      (json_int_t)stats.n_tables, "rows", (json_int_t)rows, "bytes",
			      (json_int_t)stats.bytes);
	bst_audit_record(&c.ctx, "platform.export", slug, d);
	fprintf(stderr, "%s: %zu tables, %lld rows, %lld bytes of SQL\n", slug, stats.n_tables,
		(long long)rows, (long long)stats.bytes);
	bst_cli_close(&c);
	return BST_EXIT_OK;
}
