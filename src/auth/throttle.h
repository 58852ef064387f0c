/* Rate limits per client address (sign-in, registration, link use): a
 * token bucket per key in a fixed-size table, so memory stays bounded
 * whatever the number of addresses (an evicted key starts afresh, which only
 * ever errs on the side of letting a request through after a flood of
 * other addresses). Thread-safe. */
#ifndef BST_AUTH_THROTTLE_H
#define BST_AUTH_THROTTLE_H
#include <stdbool.h>
#include <stdint.h>

struct bst_throttle;

/* per_minute requests per key, with a burst of the same size. */
struct bst_throttle *bst_throttle_new(unsigned per_minute);
void bst_throttle_free(struct bst_throttle *t);
/* Takes one token for key; false when the key has none left. */
bool bst_throttle_allow(struct bst_throttle *t, const char *key, int64_t now_ms);

#endif
