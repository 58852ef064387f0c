/* Per-address rate limits (see throttle.h). */
#include "auth/throttle.h"
#include "core/str.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define SLOTS 4096 /* a power of two */
#define KEY_MAX 96

struct slot {
	char key[KEY_MAX];
	double tokens;
	int64_t last_ms;
};

struct bst_throttle {
	pthread_mutex_t lock;
	double per_ms;
	double burst;
	uint8_t seed[crypto_shorthash_KEYBYTES]; /* SipHash: keys chosen by clients */
	struct slot slots[SLOTS];
};

struct bst_throttle *bst_throttle_new(unsigned per_minute)
{
	struct bst_throttle *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	t->burst = per_minute ? per_minute : 1;
	t->per_ms = t->burst / 60000.0;
	randombytes_buf(t->seed, sizeof t->seed);
	return t;
}

void bst_throttle_free(struct bst_throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

bool bst_throttle_allow(struct bst_throttle *t, const char *key, int64_t now_ms)
{
	uint8_t h[crypto_shorthash_BYTES];
	crypto_shorthash(h, (const unsigned char *)key, strlen(key), t->seed);
	uint64_t idx;
	memcpy(&idx, h, sizeof idx);
	pthread_mutex_lock(&t->lock);
	struct slot *s = &t->slots[idx & (SLOTS - 1)];
	if (strncmp(s->key, key, KEY_MAX - 1) != 0) {
		bst_str_copy(s->key, sizeof s->key, key);
		s->tokens = t->burst;
		s->last_ms = now_ms;
	}
	if (now_ms > s->last_ms) {
		s->tokens += (double)(now_ms - s->last_ms) * t->per_ms;
		if (s->tokens > t->burst)
			s->tokens = t->burst;
		s->last_ms = now_ms;
	}
	bool ok = s->tokens >= 1.0;
	if (ok)
		s->tokens -= 1.0;
	pthread_mutex_unlock(&t->lock);
	return ok;
}
