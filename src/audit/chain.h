/* The hash chain of a platform's trail: what one entry is, its canonical
 * encoding, and the hash that links it to the one before. Pure functions,
 * thread-safe; nothing here touches a database.
 *
 * Canonical encoding of an entry (version 1), the bytes hashed:
 *
 *   "bastide-trail-v1"                          16 bytes, no length
 *   seq, at_ms, kind, user_id                   each 8 bytes, big-endian,
 *                                               two's complement
 *   actor, session_ref, client_addr, method,    each a 4-byte big-endian
 *   path                                        length then the bytes
 *   status, bytes, duration_ms                  each 8 bytes, big-endian
 *   user_agent, event, target, details          each length-prefixed
 *
 * user_id 0 stands for none (stored as NULL). Every field is framed, so no
 * two different entries encode to the same bytes.
 *
 *   hash(n) = BLAKE2b-256(hash(n-1) || encoding(n)),  hash(0) = 32 zero bytes
 *
 * (after a retention purge, hash(first kept - 1) comes from the signed
 * truncation checkpoint). Checkpoints store and sign hashes as lower-case
 * hex; the trail stores them as bytes since migration audit/0005 (hex
 * before), and the store hands them out as hex. */
#ifndef BST_AUDIT_CHAIN_H
#define BST_AUDIT_CHAIN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "db/q_audit.h"

#define BST_TRAIL_HASH_BYTES 32
#define BST_TRAIL_HASH_HEX   (2 * BST_TRAIL_HASH_BYTES + 1)
#define BST_TRAIL_MAGIC      "bastide-trail-v1"

/* Appends the canonical encoding of e to out (cleared first). Returns 0,
 * or -1 when out of memory. */
int bst_trail_encode(const struct bst_trail_entry *e, bst_buf *out);
/* hash = BLAKE2b-256(prev || encoding(e)), as bytes and as hex (either out
 * may be NULL). scratch is reused between calls to spare allocations. */
int bst_trail_hash(const uint8_t prev[BST_TRAIL_HASH_BYTES],
		   const struct bst_trail_entry *e, bst_buf *scratch,
		   uint8_t out[BST_TRAIL_HASH_BYTES], char hex[BST_TRAIL_HASH_HEX]);
/* The framing of the encoding, also used by checkpoints: an integer as 8
 * bytes big-endian; a text (NULL as "") as a 4-byte big-endian length and
 * its bytes. Return false when out of memory. */
bool bst_trail_put_int(bst_buf *b, int64_t v);
bool bst_trail_put_text(bst_buf *b, const char *s);
/* Hex of a hash back to bytes: 0, or -1 when hex is not 64 hex digits. */
int bst_trail_hash_parse(const char *hex, uint8_t out[BST_TRAIL_HASH_BYTES]);

#endif
