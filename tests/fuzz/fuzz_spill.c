/* libFuzzer target for the spill file's reader (src/audit/spill_format.c):
 * the file is read back from disk when the trail can be written again, so
 * its bytes are untrusted. Promises checked: the reader never reads past
 * the input nor crashes, every record it accepts holds NUL-free texts and a
 * known kind, and encoding that record again gives back exactly the bytes
 * it was read from (nothing is dropped or invented). */
#include "audit/spill.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	uint8_t id[BST_SPILL_ID_BYTES];
	/* the header is optional here, so that records get fuzzed alone too */
	if (size >= 32 && bst_spill_read_header(f, id) != 0)
		rewind(f);
	bst_buf again;
	bst_buf_init(&again);
	for (;;) {
		long at = ftell(f);
		struct bst_spill_entry *s = NULL;
		int rc = bst_spill_read_record(f, &s);
		if (rc != 1) {
			if (s)
				abort();
			break;
		}
		if (s->e.kind != BST_TRAIL_ACCESS && s->e.kind != BST_TRAIL_EVENT)
			abort();
		bst_buf_reset(&again);
		if (bst_spill_put_record(&again, &s->e) != 0)
			abort();
		long end = ftell(f);
		if ((long)again.len != end - at || memcmp(again.data, data + at, again.len) != 0)
			abort();
		free(s);
	}
	bst_buf_free(&again);
	fclose(f);
	return 0;
}
