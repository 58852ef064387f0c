/* libFuzzer target: bst_manifest_parse on arbitrary bytes (a manifest read
 * back from a backup target is untrusted). Checks that what it accepts
 * holds only names it can safely turn into paths, and that dumping and
 * parsing it again gives the same manifest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ops/backup_manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		abort();
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bst_manifest m;
	char err[256];
	if (bst_manifest_parse((const char *)data, size, &m, err, sizeof err) != 0) {
		if (!err[0])
			abort();
		return 0;
	}
	if (strchr(m.scope, '/') || strchr(m.scope, '.') || strlen(m.id) != BST_BACKUP_ID_LEN)
		abort();
	for (size_t i = 0; i < m.n_dbs; i++) {
		const struct bst_manifest_db *d = &m.dbs[i];
		if (d->chunk_size < BST_MANIFEST_CHUNK_MIN ||
		    d->n_chunks != (d->plain_size + d->chunk_size - 1) / d->chunk_size)
			abort();
		for (size_t j = 0; j < d->n_chunks; j++) {
			check_hex(d->chunks[j].mac, 64);
			check_hex(d->chunks[j].hash, 64);
		}
	}
	for (size_t i = 0; i < m.n_blobs; i++) {
		check_hex(m.blobs[i].name, 32);
		check_hex(m.blobs[i].hash, 64);
		if (i && strcmp(m.blobs[i - 1].name, m.blobs[i].name) >= 0)
			abort();
	}
	char *text = bst_manifest_dump(&m);
	if (text) {
		struct bst_manifest again;
		if (bst_manifest_parse(text, strlen(text), &again, err, sizeof err) != 0 ||
		    again.n_blobs != m.n_blobs || again.n_dbs != m.n_dbs ||
		    bst_manifest_n_chunks(&again) != bst_manifest_n_chunks(&m) ||
		    bst_manifest_size(&again) != bst_manifest_size(&m))
			abort();
		bst_manifest_clear(&again);
		free(text);
	}
	bst_manifest_clear(&m);
	return 0;
}
