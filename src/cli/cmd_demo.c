/* bastide demo: the demonstration platform of `make run`. Creates it when
 * missing (hosts demo.localhost and localhost, no second factor asked so a
 * newcomer can look around at once), gives its administrator a freshly
 * generated password and prints it (never a fixed password), and, the
 * first time only, fills it with people, groups, publications and
 * documents (demo_seed.c) so that it looks lived in. */
#include "cli/common.h"
#include "cli/demo_seed.h"
#include "auth/account.h"
#include "auth/password.h"
#include "core/crypto.h"
#include "db/queries.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"Usage: bastide demo --data DIR [--config FILE] [--empty]\n"
	"Creates the demo platform (hosts demo.localhost and localhost) if it is missing,\n"
	"sets a new random password for its administrator admin@demo.localhost and prints\n"
	"it. The first time (while the platform has no publication), it also writes demo\n"
	"content: a dozen people, groups, a week of publications and a few documents.\n"
	"--empty leaves that content out (tests that need an empty platform).\n"
	"The demo platform does not ask for a second factor; every other platform\n"
	"keeps the secure defaults.\n";

#define DEMO_SLUG "demo"
#define DEMO_ADMIN "admin@demo.localhost"

int bst_cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
	    BST_CLI_COMMON_OPTS, {"empty", no_argument, NULL, 'e'}, {0, 0, 0, 0}};
	struct bst_cli c;
	bst_cli_init(&c);
	bool empty = false;
	int o;
	while ((o = bst_cli_next_opt(&c, argc, argv, opts, usage)) > 0) {
		if (o != 'e')
			return bst_cli_usage(usage);
		empty = true;
	}
	if (o != BST_CLI_OPTS_DONE)
		return bst_cli_opts_exit(o);
	if (optind != argc)
		return bst_cli_usage(usage);
	if (bst_cli_open(&c) != 0)
		return BST_EXIT_FAIL;
	char err[600];
	struct bst_platform_row row;
	if (bst_q_platform_get(c.install->control, DEMO_SLUG, &row) == BST_QS_NO_RESULTS) {
		const char *hosts[] = {"demo.localhost", "localhost"};
		if (bst_platform_create(c.install, DEMO_SLUG, "Bastide demo", hosts, 2, err,
					sizeof err) != 0) {
			bst_cli_error("%s", err);
			bst_cli_close(&c);
			return BST_EXIT_FAIL;
		}
	}
	bst_install_close(c.install);
	c.install = NULL;
	if (bst_cli_open_platform(&c, DEMO_SLUG) != 0) {
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	struct bst_settings s = c.ctx.settings;
	if (!s.demo) {
		s.demo = true;
		snprintf(s.mfa_policy, sizeof s.mfa_policy, "none");
		if (bst_settings_update(&c.ctx, &s) != BST_ACC_OK) {
			bst_cli_error("cannot configure the demo platform");
			bst_cli_close(&c);
			return BST_EXIT_FAIL;
		}
	}
	/* 18 random bytes: 24 base64url characters, 144 bits */
	uint8_t raw[18];
	char password[32];
	bst_random(raw, sizeof raw);
	bst_b64url_encode(raw, sizeof raw, password, sizeof password);
	char hash[BST_PASSWORD_HASH_BYTES];
	struct bst_user_row u;
	enum bst_account_status st = bst_account_find(&c.ctx, DEMO_ADMIN, &u);
	if (st == BST_ACC_NOT_FOUND) {
		st = bst_account_create_active(&c.ctx, DEMO_ADMIN, "Demo Administrator", "admin",
					       password);
	} else if (st == BST_ACC_OK) {
		if (bst_password_hash(password, hash) != 0 ||
		    bst_q_user_set_password(c.platform->main, u.id, hash, c.ctx.now) !=
			    BST_QS_ONE_RESULT ||
		    bst_q_user_set_status(c.platform->main, u.id, "active", c.ctx.now) < 0 ||
		    bst_q_user_set_locked(c.platform->main, u.id, 0) < 0)
			st = BST_ACC_ERROR;
	}
	if (st != BST_ACC_OK) {
		bst_cli_error("cannot set up the demo administrator: %s", bst_account_text(st));
		bst_cli_close(&c);
		return BST_EXIT_FAIL;
	}
	/* the content is a convenience: without it the platform still works, and
	 * the password must be printed whatever happens */
	const char *content = NULL;
	if (!empty && bst_account_find(&c.ctx, DEMO_ADMIN, &u) != BST_ACC_OK)
		bst_cli_error("cannot read the demo administrator back; no demo content");
	else if (!empty && bst_demo_seed(&c.ctx, &u, &content, err, sizeof err) == BST_DEMO_FAILED)
		bst_cli_error("the demo content is incomplete: %s", err);
	const char *port = strrchr(c.ctx.base_url, ':');
	bool has_port = port && port > strchr(c.ctx.base_url, ':');
	printf("Demo platform: %s  (also http://localhost%s)\n  administrator: %s\n"
	       "  password:      %s\n",
	       c.ctx.base_url, has_port ? port : "", DEMO_ADMIN, password);
	if (content)
		printf("  demo content:  %s\n", content);
	bst_cli_close(&c);
	return BST_EXIT_OK;
}
