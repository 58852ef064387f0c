/* libFuzzer target: what an SFTP server sends back as a directory
 * listing (src/ops/transfer_names.c), and the relative paths Bastide
 * would send back built from those names. Every name parsed is non-empty,
 * holds no newline or NUL, is neither "." nor ".."; a path accepted by
 * bst_sftp_rel_ok has no empty, "." or ".." segment and only the small
 * alphabet. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/transfer_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rel(const char *rel)
{
	if (!bst_sftp_rel_ok(rel))
		return;
	size_t n = strlen(rel);
	if (n == 0 || n > 250 || rel[0] == '/' || rel[n - 1] == '/' || strstr(rel, "//"))
		abort();
	for (const char *p = rel; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/", *p))
			abort();
	char *copy = strdup(rel);
	for (char *seg = strtok(copy, "/"); seg; seg = strtok(NULL, "/"))
		if (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0)
			abort();
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char **names = NULL;
	size_t n = 0;
	if (bst_sftp_parse_listing((const char *)data, size, &names, &n) != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		if (len == 0 || strchr(names[i], '\n') || strcmp(names[i], ".") == 0 ||
		    strcmp(names[i], "..") == 0)
			abort();
		char rel[600];
		snprintf(rel, sizeof rel, "demo/%s", names[i]);
		check_rel(rel);
		check_rel(names[i]);
		free(names[i]);
	}
	free(names);
	/* the whole input as a path */
	char *whole = malloc(size + 1);
	if (whole) {
		memcpy(whole, data, size);
		whole[size] = '\0';
		check_rel(whole);
		free(whole);
	}
	return 0;
}
