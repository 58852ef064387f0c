/* bastide init: create a data directory. */
#include "audit/trail.h"
#include "cli/common.h"
#include "core/crypto.h"

#include <sodium.h>
#include <stdio.h>

static const char usage[] =
	"Usage: bastide init --data DIR\n"
	"Creates DIR with a new master key (mode 0600), the control database and the\n"
	"key store, and the Ed25519 key that signs the audit checkpoints (audit.key,\n"
	"mode 0600; its public half in audit.pub). Running it again is harmless: an\n"
	"existing key is never replaced.\n";

int bst_cmd_init(int argc, char **argv)
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
	if (!c.data) {
		bst_cli_error("no data directory: give --data DIR or set BASTIDE_DATA");
		return BST_EXIT_USAGE;
	}
	if (bst_crypto_init() != 0)
		return BST_EXIT_FAIL;
	char err[600];
	int created = 0;
	if (bst_install_init(c.data, &created, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		return BST_EXIT_FAIL;
	}
	printf(created ? "Initialised %s (new master key).\n"
		       : "%s is already initialised; the master key was kept.\n",
	       c.data);
	struct bst_audit_key key;
	if (bst_audit_key_ensure(c.data, &key, &created, err, sizeof err) != 0) {
		bst_cli_error("%s", err);
		return BST_EXIT_FAIL;
	}
	sodium_memzero(&key, sizeof key);
	if (created)
		printf("New audit checkpoint key %s/audit.key (public key in audit.pub).\n", c.data);
	return BST_EXIT_OK;
}
