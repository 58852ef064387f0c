/* bastide backup: take, list, prune and verify backups. */
#include "cli/common.h"
#include "core/clock.h"
#include "ops/backup.h"
#include "ops/backup_job.h"
#include "ops/backup_offsite.h"
#include "ops/backup_status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: bastide backup run [--platform SLUG] [--prune]\n"
	"       bastide backup list [--platform SLUG] [--target NAME]\n"
	"       bastide backup prune [--platform SLUG]\n"
	"       bastide backup verify [--platform SLUG] [--backup ID] [--target NAME]\n"
	"       bastide backup copy [--platform SLUG] [--target NAME] [--prune]\n"
	"       bastide backup targets\n"
	"       bastide backup status\n"
	"run     takes a consistent backup of each platform (main and audit databases,\n"
	"        documents) and of the control database while the server runs, under\n"
	"        DATA/backups/, compressed and encrypted, with a signed manifest; with\n"
	"        --prune, prunes after it as the scheduler does. Each backup is then\n"
	"        copied to every [target] (the key store replicated first). A\n"
	"        progress counter shows on a terminal; one line per platform.\n"
	"list    shows each backup: date, kind (daily, weekly, monthly under the\n"
	"        [backup] retention), size and bytes it wrote.\n"
	"prune   removes the backups the retention no longer keeps, and the objects\n"
	"        (documents, database chunks) no remaining backup refers to.\n"
	"verify  checks every backup (or one): signature, sizes and BLAKE2b hashes,\n"
	"        decryption, and PRAGMA integrity_check of the databases; names the\n"
	"        first problem. With --target, reads the latest backup (or ID) back\n"
	"        from that target and checks it the same way.\n"
	"copy    copies to the targets the backups they lack (and the key store);\n"
	"        with --prune, applies the retention there too.\n"
	"targets connects to each target: its kind, provider and region, and\n"
	"        whether it answers with the pinned host key.\n"
	"status  the last backup, copy and verification of each platform.\n"
	"--platform SLUG limits to one platform; without it every platform and the\n"
	"control database (\"_control\") are concerned. Exit status 1 on any failure.\n";

/* "daily,weekly": why a backup is kept ("latest" when only as the
 * newest, "expired" when prune would remove it) */
static void kinds_text(unsigned k, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", k & BST_KEEP_DAILY ? ",daily" : "",
		 k & BST_KEEP_WEEKLY ? ",weekly" : "", k & BST_KEEP_MONTHLY ? ",monthly" : "");
	if (out[0])
		memmove(out, out + 1, strlen(out));
	else
		snprintf(out, len, "%s", k & BST_KEEP_LATEST ? "latest" : "expired");
}

static int list_scope(struct bst_install *in, const struct bst_config *cfg, const char *scope,
		      struct bst_target *t)
{
	struct bst_retention r;
	bst_backup_retention_of(cfg, &r);
	struct bst_backup_info *v = NULL;
	size_t n = 0;
	char err[600];
	if ((t ? bst_offsite_list(in, t, scope, &r, &v, &n, err, sizeof err)
	       : bst_backup_list(in, scope, &r, &v, &n, err, sizeof err)) != 0) {
		bst_cli_error("%s", err);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char when[40], kinds[64];
		bst_time_format_iso(v[i].at_ms, when, sizeof when);
		when[19] = 'Z';
		when[20] = '\0';
		kinds_text(v[i].kinds, kinds, sizeof kinds);
		if (v[i].readable)
			printf("%-20s %s  %s  %-22s %10.1f MB  %8.1f MB written  %zu blobs  %zu "
			       "chunks\n",
			       scope, v[i].id, when, kinds, (double)v[i].size / 1e6,
			       (double)v[i].written / 1e6, v[i].n_blobs, v[i].n_chunks);
		else
			printf("%-20s %s  %s  %-22s UNREADABLE: %s\n", scope, v[i].id, when, kinds,
			       v[i].problem);
	}
	free(v);
	return 0;
}

int bst_cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {BST_CLI_COMMON_OPTS,
					     {"platform", required_argument, NULL, 'p'},
					     {"backup", required_argument, NULL, 'b'},
					     {"prune", no_argument, NULL, 'P'},
					     {"target", required_argument, NULL, 't'},
					     {0, 0, 0, 0}};
	struct bst_cli c;
	bst_cli_init(&c);
	const char *slug = NULL, *id = NULL, *target = NULL;
	bool prune = false;
	int o;
	while ((o = bst_cli_next_opt(&c, argc, argv, opts, usage)) > 0) {
		switch (o) {
		case 'p':
			slug = optarg;
			break;
		case 'b':
			id = optarg;
			break;
		case 'P':
			prune = true;
			break;
		case 't':
			target = optarg;
			break;
		default:
			return bst_cli_usage(usage);
		}
	}
	if (o != BST_CLI_OPTS_DONE)
		return bst_cli_opts_exit(o);
	if (optind + 1 != argc)
		return bst_cli_usage(usage);
	const char *verb = argv[optind];
	static const char *const verbs[] = {"run",  "list",    "prune", "verify",
					    "copy", "targets", "status"};
	size_t v = 0;
	while (v < sizeof verbs / sizeof *verbs && strcmp(verb, verbs[v]) != 0)
		v++;
	if (v == sizeof verbs / sizeof *verbs)
		return bst_cli_usage(usage);
	bool run = v == 0, copy = v == 4;
	if ((id && strcmp(verb, "verify") != 0) || (prune && !run && !copy) ||
	    (target && strcmp(verb, "list") != 0 && strcmp(verb, "verify") != 0 && !copy) ||
	    (slug && v >= 5))
		return bst_cli_usage(usage);
	if (bst_cli_open(&c) != 0)
		return BST_EXIT_FAIL;
	if (target && !bst_config_target(&c.cfg, target)) {
		bst_cli_error("no [target %s] in the configuration", target);
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	if (strcmp(verb, "targets") == 0 || strcmp(verb, "status") == 0) {
		int failed = strcmp(verb, "targets") == 0
				 ? bst_backup_targets_print(c.install, &c.cfg, stdout)
				 : bst_backup_status_print(c.install, &c.cfg, stdout);
		bst_cli_close(&c);
		return failed ? BST_EXIT_FAIL : BST_EXIT_OK;
	}
	if (copy || (target && strcmp(verb, "verify") == 0)) {
		int failed = copy ? bst_backup_job_copy(c.install, &c.cfg, slug, target, prune, stdout)
				  : bst_backup_job_verify(c.install, &c.cfg, slug, target, id, stdout);
		bst_cli_close(&c);
		return failed ? BST_EXIT_FAIL : BST_EXIT_OK;
	}
	struct bst_target *t = NULL;
	if (target) {
		char err[800];
		if (bst_target_open(bst_config_target(&c.cfg, target), NULL, &t, err, sizeof err) !=
		    0) {
			bst_cli_error("%s", err);
			bst_cli_close(&c);
			return BST_EXIT_FAIL;
		}
	}
	int rc = BST_EXIT_OK;
	if (slug) {
		struct bst_platform_row row;
		if (strcmp(slug, BST_BACKUP_CONTROL_SCOPE) != 0 &&
		    bst_q_platform_get(c.install->control, slug, &row) != BST_QS_ONE_RESULT &&
		    strcmp(verb, "run") == 0) {
			bst_cli_error("no platform named %s", slug);
			bst_cli_close(&c);
			return BST_EXIT_FAIL;
		}
	}
	if (strcmp(verb, "run") == 0) {
		if (bst_backup_job_run(c.install, &c.cfg, slug, true, prune, stdout) != 0)
			rc = BST_EXIT_FAIL;
		bst_cli_close(&c);
		return rc;
	}
	char **scopes = NULL;
	const char *single[2] = {slug, NULL};
	if (!slug) {
		char err[600] = "";
		scopes = t ? bst_offsite_scopes(t, err, sizeof err) : bst_backup_scopes(c.install);
		if (!scopes && err[0]) {
			bst_cli_error("%s", err);
			rc = BST_EXIT_FAIL;
		}
	}
	const char *const *each = slug ? single : (const char *const *)scopes;
	for (size_t i = 0; each && each[i]; i++) {
		char err[800];
		if (strcmp(verb, "list") == 0) {
			if (list_scope(c.install, &c.cfg, each[i], t) != 0)
				rc = BST_EXIT_FAIL;
		} else if (strcmp(verb, "prune") == 0) {
			struct bst_retention r;
			bst_backup_retention_of(&c.cfg, &r);
			int removed = 0, objects = 0;
			if (bst_backup_prune(c.install, each[i], &r, &removed, &objects, err,
					     sizeof err) != 0) {
				bst_cli_error("prune of %s failed: %s", each[i], err);
				rc = BST_EXIT_FAIL;
			} else {
				printf("%s: %d backups and %d objects removed\n", each[i], removed,
				       objects);
			}
		} else {
			int checked = 0;
			if (bst_backup_verify(c.install, each[i], id, &checked, err, sizeof err) !=
			    0) {
				printf("%s: FAILED: %s\n", each[i], err);
				rc = BST_EXIT_FAIL;
			} else {
				printf("%s: ok, %d backups verified\n", each[i], checked);
			}
		}
	}
	bst_backup_scopes_free(scopes);
	bst_target_close(t);
	bst_cli_close(&c);
	return rc;
}
