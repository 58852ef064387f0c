/* bastide user: create, list, disable, enable, reset-password, unlock. */
#include "cli/common.h"
#include "auth/account.h"
#include "core/clock.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"Usage: bastide user create --platform SLUG --email EMAIL --name NAME [--role admin|member]\n"
	"       bastide user list --platform SLUG [--search TEXT]\n"
	"       bastide user disable --platform SLUG --email EMAIL\n"
	"       bastide user enable --platform SLUG --email EMAIL\n"
	"       bastide user reset-password --platform SLUG --email EMAIL\n"
	"       bastide user unlock --platform SLUG --email EMAIL\n"
	"       bastide user reset-2fa --platform SLUG --email EMAIL\n"
	"Options common to all: --data DIR (or BASTIDE_DATA), --config FILE.\n"
	"create and reset-password print a one-time link (invitations last 72 hours,\n"
	"resets one hour) and also send it by mail when an SMTP relay is configured.\n";

static void list_one(void *cls, const struct bst_user_row *u)
{
	char when[40];
	bst_time_format_iso(u->created_ms, when, sizeof when);
	printf("%-6lld %-32s %-7s %-9s %-4s %-6s %s  %s\n", (long long)u->id, u->email, u->role,
	       u->status, u->totp_enabled ? "2fa" : "-", u->locked_ms ? "locked" : "-", when,
	       u->name);
	(*(int *)cls)++;
}

static int fail_status(enum bst_account_status st)
{
	bst_cli_error("%s", bst_account_text(st));
	return st == BST_ACC_INVALID_EMAIL || st == BST_ACC_INVALID_NAME ||
			       st == BST_ACC_INVALID_ROLE
		       ? BST_EXIT_USAGE
		       : BST_EXIT_FAIL;
}

int bst_cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {BST_CLI_COMMON_OPTS,
					     {"platform", required_argument, NULL, 'p'},
					     {"email", required_argument, NULL, 'e'},
					     {"name", required_argument, NULL, 'n'},
					     {"role", required_argument, NULL, 'r'},
					     {"search", required_argument, NULL, 's'},
					     {0, 0, 0, 0}};
	struct bst_cli c;
	bst_cli_init(&c);
	const char *slug = NULL, *email = NULL, *name = NULL, *role = "member", *search = NULL;
	int o;
	while ((o = bst_cli_next_opt(&c, argc, argv, opts, usage)) > 0) {
		switch (o) {
		case 'p': slug = optarg; break;
		case 'e': email = optarg; break;
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		case 's': search = optarg; break;
		default:
			return bst_cli_usage(usage);
		}
	}
	if (o != BST_CLI_OPTS_DONE)
		return bst_cli_opts_exit(o);
	if (optind + 1 != argc || !slug)
		return bst_cli_usage(usage);
	const char *verb = argv[optind];
	bool needs_email = strcmp(verb, "list") != 0;
	if (needs_email && !email)
		return bst_cli_usage(usage);
	if (strcmp(verb, "create") == 0 && !name)
		return bst_cli_usage(usage);
	if (bst_cli_open_platform(&c, slug) != 0) {
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	int rc = BST_EXIT_OK;
	enum bst_account_status st = BST_ACC_OK;
	char link[BST_LINK_MAX];
	struct bst_user_row u;
	if (strcmp(verb, "list") == 0) {
		int n = 0;
		if (bst_q_user_list(c.platform->main, search, 0, 1000000, list_one, &n) < 0)
			rc = BST_EXIT_FAIL;
	} else if (strcmp(verb, "create") == 0) {
		st = bst_account_create(&c.ctx, email, name, role, link);
		if (st == BST_ACC_OK)
			printf("User %s created.\nActivation link (valid 72 hours, single use):\n%s\n",
			       email, link);
	} else if ((st = bst_account_find(&c.ctx, email, &u)) != BST_ACC_OK) {
		/* reported below */
	} else if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0) {
		bool enable = strcmp(verb, "enable") == 0;
		st = bst_account_set_enabled(&c.ctx, u.id, enable);
		if (st == BST_ACC_OK)
			printf("User %s %s.\n", u.email, enable ? "enabled" : "disabled");
	} else if (strcmp(verb, "reset-password") == 0) {
		st = bst_account_reset_link(&c.ctx, u.id, link);
		if (st == BST_ACC_OK)
			printf("%s link for %s (single use):\n%s\n",
			       strstr(link, "/activate/") ? "Activation" : "Password reset", u.email,
			       link);
	} else if (strcmp(verb, "unlock") == 0) {
		st = bst_account_unlock(&c.ctx, u.id);
		if (st == BST_ACC_OK)
			printf("User %s unlocked.\n", u.email);
	} else if (strcmp(verb, "reset-2fa") == 0) {
		st = bst_account_reset_mfa(&c.ctx, u.id);
		if (st == BST_ACC_OK)
			printf("Second factor of %s reset; they will enrol again at next sign-in.\n",
			       u.email);
	} else {
		bst_cli_error("unknown user command '%s'", verb);
		rc = BST_EXIT_USAGE;
	}
	if (st != BST_ACC_OK)
		rc = fail_status(st);
	bst_cli_close(&c);
	return rc;
}
