/* bastide: one binary, sub-commands (see src/cli/). */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return bst_cli_main(argc, argv);
}
