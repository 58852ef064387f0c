/* The trail's canonical encoding and hash chain (see chain.h). */
#include "audit/chain.h"
#include "core/crypto.h"

#include <sodium.h>
#include <string.h>

bool bst_trail_put_int(bst_buf *b, int64_t v)
{
	uint8_t be[8];
	uint64_t u = (uint64_t)v;
	for (int i = 7; i >= 0; i--) {
		be[i] = (uint8_t)(u & 0xff);
		u >>= 8;
	}
	return bst_buf_append(b, be, sizeof be);
}

bool bst_trail_put_text(bst_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n > UINT32_MAX)
		return false;
	uint8_t be[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8),
			 (uint8_t)n};
	return bst_buf_append(b, be, sizeof be) && (n == 0 || bst_buf_append(b, s, n));
}

int bst_trail_encode(const struct bst_trail_entry *e, bst_buf *out)
{
	bst_buf_reset(out);
	bool ok =
	    bst_buf_append(out, BST_TRAIL_MAGIC, sizeof BST_TRAIL_MAGIC - 1) &&
	    bst_trail_put_int(out, e->seq) && bst_trail_put_int(out, e->at_ms) &&
	    bst_trail_put_int(out, e->kind) && bst_trail_put_int(out, e->user_id) &&
	    bst_trail_put_text(out, e->actor) &&
	    bst_trail_put_text(out, e->session_ref) &&
	    bst_trail_put_text(out, e->client_addr) &&
	    bst_trail_put_text(out, e->method) && bst_trail_put_text(out, e->path) &&
	    bst_trail_put_int(out, e->status) && bst_trail_put_int(out, e->bytes) &&
	    bst_trail_put_int(out, e->duration_ms) &&
	    bst_trail_put_text(out, e->user_agent) && bst_trail_put_text(out, e->event) &&
	    bst_trail_put_text(out, e->target) && bst_trail_put_text(out, e->details);
	return ok ? 0 : -1;
}

int bst_trail_hash(const uint8_t prev[BST_TRAIL_HASH_BYTES],
		   const struct bst_trail_entry *e, bst_buf *scratch,
		   uint8_t out[BST_TRAIL_HASH_BYTES], char hex[BST_TRAIL_HASH_HEX])
{
	if (bst_trail_encode(e, scratch) != 0)
		return -1;
	uint8_t h[BST_TRAIL_HASH_BYTES];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, prev, BST_TRAIL_HASH_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)scratch->data, scratch->len);
	crypto_generichash_final(&st, h, sizeof h);
	if (out)
		memcpy(out, h, sizeof h);
	if (hex)
		bst_hex(h, sizeof h, hex);
	return 0;
}

int bst_trail_hash_parse(const char *hex, uint8_t out[BST_TRAIL_HASH_BYTES])
{
	size_t len = 0;
	if (!hex || strlen(hex) != 2 * BST_TRAIL_HASH_BYTES ||
	    sodium_hex2bin(out, BST_TRAIL_HASH_BYTES, hex, strlen(hex), NULL, &len,
			   NULL) != 0 ||
	    len != BST_TRAIL_HASH_BYTES)
		return -1;
	return 0;
}
