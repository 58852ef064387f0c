/* bastide export: a platform's data for its client (issue 6): the archive
 * (src/ops/export.c) or the SQL dump alone, written to a new file. The
 * encryption for the client and the transfer to its server come on top;
 * until then a plaintext output must be asked for knowingly. */
#include "cli/common.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/fileio.h"
#include "audit/trail.h"
#include "ops/dump.h"
#include "ops/export.h"
#include "ops/pgp.h"

#include <errno.h>
#include <sodium.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"Usage: bastide export --platform SLUG --output FILE\n"
	"                      (--recipient KEYFILE | --passphrase-file FILE | --insecure-plaintext)\n"
	"       bastide export --platform SLUG --sql FILE --insecure-plaintext\n"
	"Options common to all: --data DIR (or BASTIDE_DATA), --config FILE.\n"
	"--output writes the whole export as one archive (tar, zstd): dump.sql,\n"
	"documents/ and versions/ decrypted, access-log.csv, README.txt and\n"
	"manifest.json with every file's SHA-256 (see docs/export.md).\n"
	"--sql writes only dump.sql: every table of the platform's data as portable\n"
	"SQL that stock sqlite3 and psql load as it is. Credentials are left out.\n"
	"FILE is created with mode 0600 and never overwritten (- : standard output).\n"
	"The archive is encrypted for the client as an OpenPGP message that stock\n"
	"gpg --decrypt opens: to the public key(s) in KEYFILE, or with the\n"
	"passphrase on the first line of FILE (12 characters at least). A plaintext\n"
	"output must be asked for: --insecure-plaintext.\n";

struct out {
	int fd;
	struct bst_pgp *pgp; /* encrypting, else written to fd as it is */
};

static int write_fd(void *cls, const void *data, size_t len)
{
	struct out *o = cls;
	return o->pgp ? bst_pgp_write(o->pgp, data, len) : bst_write_all(o->fd, data, len);
}

static int write_text(void *cls, const char *data, size_t len)
{
	return write_fd(cls, data, len);
}

int bst_cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {BST_CLI_COMMON_OPTS,
					     {"platform", required_argument, NULL, 'p'},
					     {"sql", required_argument, NULL, 's'},
					     {"output", required_argument, NULL, 'o'},
					     {"insecure-plaintext", no_argument, NULL, 'I'},
					     {"recipient", required_argument, NULL, 'r'},
					     {"passphrase-file", required_argument, NULL, 'P'},
					     {0, 0, 0, 0}};
	struct bst_cli c;
	bst_cli_init(&c);
	const char *slug = NULL, *path = NULL;
	bool archive = false;
	const char *recipient = NULL, *passfile = NULL;
	bool plaintext = false;
	int o;
	while ((o = bst_cli_next_opt(&c, argc, argv, opts, usage)) > 0) {
		switch (o) {
		case 'p': slug = optarg; break;
		case 's': path = optarg, archive = false; break;
		case 'o': path = optarg, archive = true; break;
		case 'I': plaintext = true; break;
		case 'r': recipient = optarg; break;
		case 'P': passfile = optarg; break;
		default: return bst_cli_usage(usage);
		}
	}
	if (o != BST_CLI_OPTS_DONE)
		return bst_cli_opts_exit(o);
	if (optind != argc || !slug || !path)
		return bst_cli_usage(usage);
	int modes = (plaintext ? 1 : 0) + (recipient ? 1 : 0) + (passfile ? 1 : 0);
	if (modes > 1 || (!archive && (recipient || passfile))) {
		bst_cli_error("choose one of --recipient, --passphrase-file and "
			      "--insecure-plaintext (the SQL dump alone is never encrypted)");
		return BST_EXIT_USAGE;
	}
	if (modes == 0) {
		bst_cli_error(archive ? "say how to encrypt the export for the client: "
					"--recipient KEYFILE or --passphrase-file FILE (or "
					"--insecure-plaintext)"
				      : "the SQL dump is written unencrypted: add "
					"--insecure-plaintext to say you know");
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
	struct bst_export_stats xs;
	char err[512];
	int rc;
	if (recipient || passfile) {
		out.pgp = recipient ? bst_pgp_to_key(recipient, out.fd, err, sizeof err)
				    : bst_pgp_with_passphrase(passfile, out.fd, err, sizeof err);
		if (!out.pgp) {
			if (!to_stdout) {
				close(out.fd);
				unlink(path);
			}
			bst_cli_error("%s", err);
			bst_cli_close(&c);
			return BST_EXIT_FAIL;
		}
	}
	if (archive) {
		/* the manifest names the installation by its public key */
		uint8_t pk[BST_AUDIT_PK_BYTES];
		char id[2 * BST_AUDIT_PK_BYTES + 1] = "";
		char kerr[256];
		if (bst_audit_key_public(c.data, pk, kerr, sizeof kerr) == 0)
			sodium_bin2hex(id, sizeof id, pk, sizeof pk);
		rc = bst_export_archive(&c.ctx, bst_now_ms(), id, write_fd, &out, &xs, err,
					sizeof err);
	} else {
		rc = bst_dump_sql(c.platform, bst_now_ms(), write_text, &out, &stats, err,
				  sizeof err);
	}
	if (out.pgp) {
		char perr[256];
		if (bst_pgp_finish(out.pgp, perr, sizeof perr) != 0 && rc == 0) {
			snprintf(err, sizeof err, "%s", perr);
			rc = -1;
		}
		out.pgp = NULL;
	}
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
	json_t *d;
	if (archive) {
		d = json_pack("{ss ss sI sI sI sI sI}", "format", "archive", "encryption",
			      recipient ? "openpgp-key" : passfile ? "openpgp-passphrase" : "none",
			      "files",
			      (json_int_t)xs.files, "documents", (json_int_t)xs.documents,
			      "versions", (json_int_t)xs.versions, "rows", (json_int_t)xs.rows,
			      "bytes", (json_int_t)xs.bytes);
		fprintf(stderr,
			"%s: %lld files (%lld documents, %lld earlier versions), %lld rows, "
			"%lld access-log entries, %lld bytes\n",
			slug, (long long)xs.files, (long long)xs.documents,
			(long long)xs.versions, (long long)xs.rows, (long long)xs.trail_entries,
			(long long)xs.bytes);
	} else {
		int64_t rows = 0;
		for (size_t i = 0; i < stats.n_tables; i++)
			rows += stats.tables[i].rows;
		d = json_pack("{ss sI sI sI}", "format", "sql", "tables",
			      (json_int_t)stats.n_tables, "rows", (json_int_t)rows, "bytes",
			      (json_int_t)stats.bytes);
		fprintf(stderr, "%s: %zu tables, %lld rows, %lld bytes of SQL\n", slug,
			stats.n_tables, (long long)rows, (long long)stats.bytes);
	}
	bst_audit_record(&c.ctx, "platform.export", slug, d);
	bst_cli_close(&c);
	return BST_EXIT_OK;
}
