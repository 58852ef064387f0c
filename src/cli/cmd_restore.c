/* bastide restore: a platform as it was at a past date. */
#include "cli/common.h"
#include "core/clock.h"
#include "core/log.h"
#include "ops/backup_manifest.h"
#include "ops/backup_offsite.h"
#include "ops/restore.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"Usage: bastide restore --platform SLUG --at DATE [--as NEWSLUG --host HOST]\n"
	"       bastide restore --all --from TARGET\n"
	"Restores the latest backup of SLUG taken at or before DATE (from the local\n"
	"store, or from an off-site target when one has a later one): decrypts and\n"
	"verifies it in a staging directory, then swaps it in while the platform is\n"
	"suspended (it answers 503 meanwhile; other platforms are not affected), and\n"
	"records the restore in the platform's access log. With --as and --host, it\n"
	"is restored side by side as a new platform NEWSLUG served at HOST, which\n"
	"keeps SLUG's data key, and SLUG is left untouched.\n"
	"DATE: YYYY-MM-DD (the end of that day, UTC), YYYY-MM-DDTHH:MM:SSZ, or a\n"
	"backup's id as `bastide backup list` shows it (YYYYMMDDTHHMMSSZ).\n"
	"--all --from TARGET rebuilds a lost installation on a new machine from the\n"
	"[target TARGET] of the configuration: after `bastide init` and with the\n"
	"lost installation's master key put back in place, restores the key store,\n"
	"the control database and every platform from their latest copies there.\n";

/* DATE to Unix ms; -1 if it is none of the accepted forms. */
/* A backup id, or a time; a bare date means the end of that day. */
static int64_t parse_at(const char *s)
{
	int64_t ms;
	if (bst_backup_id_parse(s, &ms))
		return ms;
	bool date_only = false;
	ms = bst_time_parse_utc(s, &date_only);
	return ms >= 0 && date_only ? ms + 86400 * 1000LL - 1 : ms;
}

int bst_cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {BST_CLI_COMMON_OPTS,
					     {"platform", required_argument, NULL, 'p'},
					     {"at", required_argument, NULL, 'a'},
					     {"as", required_argument, NULL, 's'},
					     {"host", required_argument, NULL, 'H'},
					     {"all", no_argument, NULL, 'A'},
					     {"from", required_argument, NULL, 'f'},
					     {0, 0, 0, 0}};
	struct bst_cli c;
	bst_cli_init(&c);
	const char *slug = NULL, *as = NULL, *host = NULL, *from = NULL;
	bool all = false;
	int64_t at = -1;
	int o;
	while ((o = bst_cli_next_opt(&c, argc, argv, opts, usage)) > 0) {
		switch (o) {
		case 'p':
			slug = optarg;
			break;
		case 'a':
			at = parse_at(optarg);
			if (at < 0) {
				bst_cli_error("--at takes YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or a "
					      "backup id");
				return BST_EXIT_USAGE;
			}
			break;
		case 's':
			as = optarg;
			break;
		case 'H':
			host = optarg;
			break;
		case 'A':
			all = true;
			break;
		case 'f':
			from = optarg;
			break;
		default:
			return bst_cli_usage(usage);
		}
	}
	if (o != BST_CLI_OPTS_DONE)
		return bst_cli_opts_exit(o);
	if (all) {
		if (optind != argc || !from || slug || at >= 0 || as || host)
			return bst_cli_usage(usage);
		if (bst_cli_open(&c) != 0)
			return BST_EXIT_FAIL;
		char err[1500];
		int rc = BST_EXIT_OK;
		if (bst_restore_all(c.install, &c.cfg, from, stdout, err, sizeof err) != 0) {
			bst_cli_error("%s", err);
			bst_log_error("RESTORE OF THE INSTALLATION FAILED: %s", err);
			rc = BST_EXIT_FAIL;
		}
		bst_cli_close(&c);
		return rc;
	}
	if (optind != argc || !slug || at < 0 || !as != !host || from)
		return bst_cli_usage(usage);
	if (bst_cli_open(&c) != 0)
		return BST_EXIT_FAIL;
	struct bst_restore_result res;
	char err[1200];
	int rc = BST_EXIT_OK;
	/* a later backup on a target than here (a lost local store) comes first */
	if (bst_offsite_fetch_latest(c.install, &c.cfg, slug, at, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	if (bst_restore_platform(c.install, slug, at, as, host, &res, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		bst_log_error("RESTORE FAILED for platform %s: %s", as ? as : slug, err);
		rc = BST_EXIT_FAIL;
	} else if (as) {
		printf("Platform %s restored from backup %s/%s as %s (%zu documents' blobs), "
		       "served at %s.\n",
		       slug, slug, res.id, as, res.n_blobs, host);
	} else {
		printf("Platform %s restored from backup %s/%s (%zu documents' blobs).\n", slug,
		       slug, res.id, res.n_blobs);
	}
	bst_cli_close(&c);
	return rc;
}
