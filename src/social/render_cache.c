/* The rendered-text cache (see render_cache.h): a direct-mapped table of
 * RC_SLOTS entries under striped locks. The slot comes from the key, a
 * BLAKE2b-128 of the platform, the ids and the text under a random key
 * drawn at first use (so that nobody can aim texts at one slot). A new
 * entry replaces the slot's occupant; the total of the HTML kept stays
 * under RC_BYTES_MAX. */
#include "social/render_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define RC_SLOTS     8192 /* a power of two */
#define RC_LOCKS     64   /* a power of two, at most RC_SLOTS */
#define RC_BYTES_MAX (32u << 20)
#define RC_ENTRY_MAX (64u << 10) /* longer renderings are not kept */

struct slot {
	unsigned char key[16];
	char *html; /* NULL: empty */
	size_t len;
};

static struct slot slots[RC_SLOTS];
static pthread_mutex_t locks[RC_LOCKS];
static size_t bytes; /* under bytes_lock */
static pthread_mutex_t bytes_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char hash_key[crypto_generichash_KEYBYTES];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	for (size_t i = 0; i < RC_LOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
	randombytes_buf(hash_key, sizeof hash_key);
}

static size_t key_of(const char *platform, int64_t post_id, int64_t comment_id,
		     const char *body, unsigned char key[16])
{
	pthread_once(&once, init);
	crypto_generichash_state st;
	crypto_generichash_init(&st, hash_key, sizeof hash_key, 16);
	/* the platform's name with its terminator, then fixed-size ids */
	crypto_generichash_update(&st, (const unsigned char *)platform,
				  strlen(platform) + 1);
	int64_t ids[2] = {post_id, comment_id};
	crypto_generichash_update(&st, (const unsigned char *)ids, sizeof ids);
	crypto_generichash_update(&st, (const unsigned char *)body, strlen(body));
	crypto_generichash_final(&st, key, 16);
	size_t h;
	memcpy(&h, key, sizeof h);
	return h & (RC_SLOTS - 1);
}

bool bst_render_cache_get(const char *platform, int64_t post_id, int64_t comment_id,
			  const char *body, bst_buf *out)
{
	unsigned char key[16];
	size_t i = key_of(platform, post_id, comment_id, body, key);
	pthread_mutex_t *lock = &locks[i & (RC_LOCKS - 1)];
	bool hit = false;
	pthread_mutex_lock(lock);
	if (slots[i].html && sodium_memcmp(slots[i].key, key, sizeof key) == 0) {
		bst_buf_append(out, slots[i].html, slots[i].len);
		hit = true;
	}
	pthread_mutex_unlock(lock);
	return hit;
}

/* Adds delta (may be negative) to the bytes kept; false when adding would
 * pass the bound (nothing added then). */
static bool account(long long delta)
{
	pthread_mutex_lock(&bytes_lock);
	bool ok = delta <= 0 || bytes + (size_t)delta <= RC_BYTES_MAX;
	if (ok)
		bytes = (size_t)((long long)bytes + delta);
	pthread_mutex_unlock(&bytes_lock);
	return ok;
}

/* Empties slot i (its lock held) and returns what it held, to be freed. */
static char *empty(size_t i)
{
	char *old = slots[i].html;
	if (old)
		account(-(long long)slots[i].len);
	slots[i].html = NULL;
	slots[i].len = 0;
	return old;
}

void bst_render_cache_put(const char *platform, int64_t post_id, int64_t comment_id,
			  const char *body, const char *html, size_t len)
{
	if (len > RC_ENTRY_MAX)
		return;
	unsigned char key[16];
	size_t i = key_of(platform, post_id, comment_id, body, key);
	char *copy = malloc(len + 1);
	if (!copy)
		return;
	memcpy(copy, html, len);
	copy[len] = '\0';
	pthread_mutex_t *lock = &locks[i & (RC_LOCKS - 1)];
	pthread_mutex_lock(lock);
	char *old = empty(i);
	if (account((long long)len)) {
		memcpy(slots[i].key, key, sizeof key);
		slots[i].html = copy;
		slots[i].len = len;
		copy = NULL;
	}
	pthread_mutex_unlock(lock);
	free(old);
	free(copy);
}

void bst_render_cache_clear(void)
{
	pthread_once(&once, init);
	for (size_t i = 0; i < RC_SLOTS; i++) {
		pthread_mutex_t *lock = &locks[i & (RC_LOCKS - 1)];
		pthread_mutex_lock(lock);
		char *old = empty(i);
		pthread_mutex_unlock(lock);
		free(old);
	}
}
