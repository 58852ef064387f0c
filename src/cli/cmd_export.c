/* bastide export: a platform's data for its client (issue 6): the archive
 * (src/ops/export.c), encrypted for the client (src/ops/pgp.c), or the SQL
 * dump alone, written to a new file; then, with --to, the archive pushed
 * to the client's server (src/ops/transfer.c). --push sends an archive a
 * failed transfer left behind. A plaintext output must be asked for
 * knowingly, and is never sent anywhere. */
#include "cli/common.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/fileio.h"
#include "audit/trail.h"
#include "ops/dump.h"
#include "ops/export.h"
#include "ops/pgp.h"
#include "ops/transfer.h"

#include <errno.h>
#include <sodium.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"Usage: bastide export --platform SLUG --output FILE\n"
	"                      (--recipient KEYFILE | --passphrase-file FILE | --insecure-plaintext)\n"
	"                      [--to URL TRANSFER-OPTIONS]\n"
	"       bastide export --platform SLUG --push FILE --to URL TRANSFER-OPTIONS\n"
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
	"output must be asked for: --insecure-plaintext.\n"
	"--to URL pushes the encrypted archive and a .sha256 file beside it, under\n"
	"a temporary name <name>.part renamed once complete, resuming a partial copy:\n"
	"  sftp://USER@HOST[:PORT]/PATH  --ssh-key FILE (ed25519 private key)\n"
	"                                --host-key-sha256 FP (ssh-keygen -lf KEY.pub)\n"
	"  ftps://USER@HOST[:PORT]/PATH  (FTP with explicit TLS) --password-file FILE\n"
	"                                and --ca-file FILE or --pinned-key sha256//B64\n"
	"An sftp:// path may begin with /~/ (the home directory); an ftps:// path is\n"
	"from the login directory. Plain ftp:// is refused. --push FILE sends an\n"
	"archive already made (one a failed transfer left).\n";

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

/* Pushes the archive at path to dest and adds the destination and the
 * outcome to the trail's event d (no secret: the URL holds none). 0, or
 * -1 with the error printed. */
static int send_archive(const char *slug, const char *path, const struct bst_transfer_url *dest,
			const struct bst_transfer_auth *auth, json_t *d)
{
	char url[BST_TRANSFER_HOST_MAX + BST_TRANSFER_PATH_MAX + 32];
	char err[512];
	struct bst_transfer_result r;
	bst_transfer_url_format(dest, url, sizeof url);
	int rc = bst_transfer_push(path, dest, auth, isatty(STDERR_FILENO), &r, err, sizeof err);
	json_object_set_new(d, "destination", json_string(url));
	json_object_set_new(d, "transfer", json_string(rc == 0 ? "delivered" : "failed"));
	if (rc != 0) {
		json_object_set_new(d, "transfer_error", json_string(err));
		bst_cli_error("%s: not sent to %s: %s (the archive stays in %s: send it with "
			      "--push)",
			      slug, url, err, path);
		return -1;
	}
	json_object_set_new(d, "sha256", json_string(r.sha256));
	json_object_set_new(d, "resumed_from", json_integer(r.resumed_from));
	json_object_set_new(d, "attempts", json_integer(r.attempts));
	fprintf(stderr, "%s: sent to %s: %lld bytes (%lld resumed from a partial copy), sha256 %s\n",
		slug, url, (long long)r.size, (long long)r.resumed_from, r.sha256);
	return 0;
}

/* --push: an archive made before, sent; recorded as its own event. Only
 * an OpenPGP message leaves: its first byte is a packet tag (bit 7 set),
 * which a tar.zst (0x28) or any text is not. */
static int push_archive(struct bst_cli *c, const char *slug, const char *path,
			const struct bst_transfer_url *dest, const struct bst_transfer_auth *auth)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char first = 0;
	if (fd < 0 || bst_read_full(fd, &first, 1) != 1) {
		bst_cli_error("cannot read %s: %s", path, fd < 0 ? strerror(errno) : "it is empty");
		if (fd >= 0)
			close(fd);
		return BST_EXIT_FAIL;
	}
	close(fd);
	if (!(first & 0x80)) {
		bst_cli_error("%s is not an OpenPGP message: only encrypted archives are sent", path);
		return BST_EXIT_FAIL;
	}
	if (bst_cli_open_platform(c, slug) != 0) {
		bst_cli_close(c);
		return BST_EXIT_FAIL;
	}
	json_t *d = json_pack("{ss}", "format", "archive");
	int rc = send_archive(slug, path, dest, auth, d);
	bst_audit_record(&c->ctx, "platform.export.transfer", slug, d);
	bst_cli_close(c);
	return rc == 0 ? BST_EXIT_OK : BST_EXIT_FAIL;
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
					     {"to", required_argument, NULL, 't'},
					     {"push", required_argument, NULL, 'u'},
					     {"ssh-key", required_argument, NULL, 'k'},
					     {"host-key-sha256", required_argument, NULL, 'H'},
					     {"password-file", required_argument, NULL, 'w'},
					     {"ca-file", required_argument, NULL, 'c'},
					     {"pinned-key", required_argument, NULL, 'K'},
					     {0, 0, 0, 0}};
	struct bst_cli c;
	bst_cli_init(&c);
	const char *slug = NULL, *path = NULL;
	bool archive = false;
	const char *recipient = NULL, *passfile = NULL;
	bool plaintext = false;
	const char *to = NULL, *push = NULL;
	struct bst_transfer_auth auth = {0};
	int o;
	while ((o = bst_cli_next_opt(&c, argc, argv, opts, usage)) > 0) {
		switch (o) {
		case 'p': slug = optarg; break;
		case 's': path = optarg, archive = false; break;
		case 'o': path = optarg, archive = true; break;
		case 'I': plaintext = true; break;
		case 'r': recipient = optarg; break;
		case 'P': passfile = optarg; break;
		case 't': to = optarg; break;
		case 'u': push = optarg; break;
		case 'k': auth.ssh_key = optarg; break;
		case 'H': auth.host_key_sha256 = optarg; break;
		case 'w': auth.password_file = optarg; break;
		case 'c': auth.ca_file = optarg; break;
		case 'K': auth.pinned_key = optarg; break;
		default: return bst_cli_usage(usage);
		}
	}
	if (o != BST_CLI_OPTS_DONE)
		return bst_cli_opts_exit(o);
	if (optind != argc || !slug || (!path && !push) || (path && push))
		return bst_cli_usage(usage);
	struct bst_transfer_url dest;
	char err[512];
	if (to || push || auth.ssh_key || auth.host_key_sha256 || auth.password_file ||
	    auth.ca_file || auth.pinned_key) {
		if (!to) {
			bst_cli_error("the transfer options go with --to URL");
			return BST_EXIT_USAGE;
		}
		if (plaintext || !(archive || push) || (path && strcmp(path, "-") == 0)) {
			bst_cli_error("only an encrypted archive written to a file is sent: --to "
				      "goes with --output FILE and --recipient or --passphrase-file "
				      "(never with --insecure-plaintext or --sql)");
			return BST_EXIT_USAGE;
		}
		if (bst_transfer_parse_url(to, &dest, err, sizeof err) != 0 ||
		    bst_transfer_check_auth(&dest, &auth, err, sizeof err) != 0) {
			bst_cli_error("%s", err);
			return BST_EXIT_USAGE;
		}
	}
	if (push) {
		if (recipient || passfile) {
			bst_cli_error("--push sends an archive already encrypted: no --recipient "
				      "or --passphrase-file");
			return BST_EXIT_USAGE;
		}
		return push_archive(&c, slug, push, &dest, &auth);
	}
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
	int status = BST_EXIT_OK;
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
		if (to && send_archive(slug, path, &dest, &auth, d) != 0)
			status = BST_EXIT_FAIL;
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
	return status;
}
