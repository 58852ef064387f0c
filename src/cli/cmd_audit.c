/* bastide audit: verification of a platform's tamper-evident trail. */
#include "audit/verify.h"
#include "cli/common.h"
#include "core/clock.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "Usage: bastide audit verify --platform SLUG [--from DATE]\n"
    "Recomputes the hash chain of the platform's access log and security events,\n"
    "checks every checkpoint's signature with the installation's key (audit.pub),\n"
    "and names the first entry where the chain breaks (exit 1), or prints\n"
    "\"ok: N entries, M checkpoints\" (exit 0). DATE (YYYY-MM-DD, or\n"
    "YYYY-MM-DDTHH:MM:SSZ, UTC) starts from the last checkpoint before that time.\n";

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ", UTC, to Unix ms; -1 if neither. */
int bst_cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {BST_CLI_COMMON_OPTS,
					     {"platform", required_argument, NULL, 'p'},
					     {"from", required_argument, NULL, 'f'},
					     {0, 0, 0, 0}};
	struct bst_cli c;
	bst_cli_init(&c);
	const char *slug = NULL;
	int64_t from_ms = 0;
	int o;
	while ((o = bst_cli_next_opt(&c, argc, argv, opts, usage)) > 0) {
		switch (o) {
		case 'p':
			slug = optarg;
			break;
		case 'f':
			from_ms = bst_time_parse_utc(optarg, NULL);
			if (from_ms < 0) {
				bst_cli_error("--from takes a date, YYYY-MM-DD or "
					      "YYYY-MM-DDTHH:MM:SSZ");
				return BST_EXIT_USAGE;
			}
			break;
		default:
			return bst_cli_usage(usage);
		}
	}
	if (o != BST_CLI_OPTS_DONE)
		return bst_cli_opts_exit(o);
	if (optind + 1 != argc || strcmp(argv[optind], "verify") != 0 || !slug)
		return bst_cli_usage(usage);
	if (bst_cli_open_platform(&c, slug) != 0) {
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	int rc = BST_EXIT_FAIL;
	char err[600];
	uint8_t pk[BST_AUDIT_PK_BYTES];
	struct bst_audit_verdict v;
	if (bst_audit_key_public(c.install->dir, pk, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
	} else if (bst_audit_verify(c.platform->audit, slug, pk, from_ms, &v) != 0) {
		bst_cli_error("cannot read the trail of platform %s", slug);
	} else if (v.ok) {
		printf("ok: %lld entries, %lld checkpoints\n", (long long)v.entries,
		       (long long)v.checkpoints);
		rc = BST_EXIT_OK;
	} else {
		char at[40] = "unknown time";
		if (v.broken_at_ms)
			bst_time_format_iso(v.broken_at_ms, at, sizeof at);
		printf("broken at entry %lld (%s): %s\n", (long long)v.broken_seq, at,
		       v.reason);
	}
	bst_cli_close(&c);
	return rc;
}
