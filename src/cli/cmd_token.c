/* bastide token: personal access tokens for operators' scripts. */
#include "cli/common.h"
#include "auth/token.h"
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: bastide token create --platform SLUG --email EMAIL [--scope read|read-write]\n"
	"                            [--expires DAYS] [--name NAME]\n"
	"       bastide token list --platform SLUG [--email EMAIL]\n"
	"       bastide token revoke --platform SLUG --id ID\n"
	"Options common to all: --data DIR (or BASTIDE_DATA), --config FILE.\n"
	"create prints the token once; only its hash is kept. Default scope: read.\n";

static void list_one(void *cls, const struct bst_token_row *t)
{
	char created[40], expires[40] = "never", used[40] = "never";
	bst_time_format_iso(t->created_ms, created, sizeof created);
	if (t->expires_ms)
		bst_time_format_iso(t->expires_ms, expires, sizeof expires);
	if (t->last_used_ms)
		bst_time_format_iso(t->last_used_ms, used, sizeof used);
	printf("%-6lld %-28s %-10s %-8s created %s expires %s used %s  %s\n", (long long)t->id,
	       t->email, t->scope, t->revoked_ms ? "revoked" : "live", created, expires, used,
	       t->name);
}

int bst_cmd_token(int argc, char **argv)
{
	static const struct option opts[] = {BST_CLI_COMMON_OPTS,
					     {"platform", required_argument, NULL, 'p'},
					     {"email", required_argument, NULL, 'e'},
					     {"scope", required_argument, NULL, 's'},
					     {"expires", required_argument, NULL, 'x'},
					     {"name", required_argument, NULL, 'n'},
					     {"id", required_argument, NULL, 'i'},
					     {0, 0, 0, 0}};
	struct bst_cli c;
	bst_cli_init(&c);
	const char *slug = NULL, *email = NULL, *scope = "read", *name = "cli";
	long long days = 0, id = 0;
	int o;
	char *end;
	while ((o = bst_cli_next_opt(&c, argc, argv, opts, usage)) > 0) {
		switch (o) {
		case 'p': slug = optarg; break;
		case 'e': email = optarg; break;
		case 's': scope = optarg; break;
		case 'n': name = optarg; break;
		case 'x':
			days = strtoll(optarg, &end, 10);
			if (*end || days < 1 || days > BST_PAT_MAX_DAYS) {
				bst_cli_error("--expires takes a number of days from 1 to %d",
					      BST_PAT_MAX_DAYS);
				return BST_EXIT_USAGE;
			}
			break;
		case 'i':
			id = strtoll(optarg, &end, 10);
			if (*end || id <= 0) {
				bst_cli_error("--id takes a token number (see token list)");
				return BST_EXIT_USAGE;
			}
			break;
		default:
			return bst_cli_usage(usage);
		}
	}
	if (o != BST_CLI_OPTS_DONE)
		return bst_cli_opts_exit(o);
	if (optind + 1 != argc || !slug)
		return bst_cli_usage(usage);
	const char *verb = argv[optind];
	if (strcmp(verb, "create") == 0 && !email)
		return bst_cli_usage(usage);
	if (strcmp(verb, "revoke") == 0 && !id)
		return bst_cli_usage(usage);
	if (bst_cli_open_platform(&c, slug) != 0) {
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	int rc = BST_EXIT_OK;
	enum bst_account_status st = BST_ACC_OK;
	struct bst_user_row u = {0};
	if (email && (st = bst_account_find(&c.ctx, email, &u)) != BST_ACC_OK) {
		/* reported below */
	} else if (strcmp(verb, "create") == 0) {
		char tok[BST_PAT_CHARS + 1];
		int64_t tid = 0;
		st = bst_pat_create(&c.ctx, u.id, name, scope, days, tok, &tid);
		if (st == BST_ACC_OK)
			printf("%s\n", tok);
		else if (st == BST_ACC_INVALID_SCOPE)
			st = BST_ACC_OK, rc = BST_EXIT_USAGE,
			bst_cli_error("--scope must be read or read-write");
	} else if (strcmp(verb, "list") == 0) {
		if (bst_q_token_list(c.platform->main, u.id, list_one, NULL) < 0)
			rc = BST_EXIT_FAIL;
	} else if (strcmp(verb, "revoke") == 0) {
		st = bst_pat_revoke(&c.ctx, id);
		if (st == BST_ACC_OK)
			printf("Token %lld revoked.\n", id);
		else if (st == BST_ACC_NOT_FOUND) {
			bst_cli_error("no live token %lld on platform %s", id, slug);
			st = BST_ACC_OK;
			rc = BST_EXIT_FAIL;
		}
	} else {
		bst_cli_error("unknown token command '%s'", verb);
		rc = BST_EXIT_USAGE;
	}
	if (st != BST_ACC_OK) {
		bst_cli_error("%s", bst_account_text(st));
		rc = BST_EXIT_FAIL;
	}
	bst_cli_close(&c);
	return rc;
}
