/* Sub-command dispatch. */
#include "cli/cli.h"

#include <stdio.h>

int bst_cli_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "bastide: no command\n");
	return BST_EXIT_USAGE;
}
