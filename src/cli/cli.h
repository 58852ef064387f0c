/* The command line: parses argv, dispatches to one sub-command per file
 * (cmd_*.c). Exit codes: 0 ok, 1 failure, 2 usage. Errors go to stderr in
 * one sentence. Single-threaded (serve starts its own threads). */
#ifndef BST_CLI_CLI_H
#define BST_CLI_CLI_H

#define BST_EXIT_OK 0
#define BST_EXIT_FAIL 1
#define BST_EXIT_USAGE 2

int bst_cli_main(int argc, char **argv);

#endif
