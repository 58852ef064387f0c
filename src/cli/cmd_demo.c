/* bastide demo: the demonstration platform of `make run`. Creates it when
 * missing (hosts demo.localhost and localhost, no second factor asked so a
 * newcomer can look around at once), then gives its administrator a freshly
 * generated password and prints it. Never a fixed password. */
#include "cli/common.h"
#include "auth/account.h"
#include "auth/password.h"
#include "core/crypto.h"
#include "db/queries.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"Usage: bastide demo --data DIR [--config FILE]\n"
	"Creates the demo platform (hosts demo.localhost and localhost) if it is missing,\n"
	"sets a new random password for its administrator admin@demo.localhost and prints\n"
	"it. The demo platform does not ask for a second factor; every other platform\n"
	"keeps the secure defaults.\n";

#define DEMO_SLUG "demo"
#define DEMO_ADMIN "admin@demo.localhost"

int bst_cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {BST_CLI_COMMON_OPTS, {0, 0, 0, 0}};
	struct bst_cli c;
	bst_cli_init(&c);
	int o;
	o = bst_cli_next_opt(&c, argc, argv, opts, usage);
	if (o > 0)
		return bst_cli_usage(usage); /* no options of its own */
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
	const char *port = strrchr(c.ctx.base_url, ':');
	bool has_port = port && port > strchr(c.ctx.base_url, ':');
	printf("Demo platform: %s  (also http://localhost%s)\n  administrator: %s\n"
	       "  password:      %s\n",
	       c.ctx.base_url, has_port ? port : "", DEMO_ADMIN, password);
	bst_cli_close(&c);
	return BST_EXIT_OK;
}
