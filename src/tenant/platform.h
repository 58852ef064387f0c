/* Platforms (tenants): creation, opening, and the registry that maps a
 * request's Host to its platform. A platform owns its main and audit
 * databases and its unwrapped data key. In `serve`, the registry keeps
 * every platform open for the life of the process and refreshes itself
 * when the control database says something changed (the CLI may create or
 * suspend a platform while the server runs). Registry functions are
 * thread-safe; a bst_platform stays valid until the registry is freed. */
#ifndef BST_TENANT_PLATFORM_H
#define BST_TENANT_PLATFORM_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/crypto.h"
#include "db/queries.h"
#include "db/store.h"
#include "tenant/install.h"

#define BST_SLUG_MAX 40
#define BST_HOST_MAX 253 /* RFC 1035 */
#define BST_MAX_HOSTS 16

struct bst_platform {
	int64_t id;
	char slug[BST_SLUG_MAX + 1];
	char name[256];
	atomic_bool suspended;
	bst_db *main;
	bst_db *audit;
	uint8_t key[BST_KEY_BYTES];
	/* settings cache (bst_platform_settings) */
	pthread_rwlock_t settings_lock;
	struct bst_db_watch settings_watch;
	struct bst_settings settings;
	atomic_bool settings_valid;
};

/* Runs fn(cls) with one consistent view of the platform's data, the
 * database's locks taken once: for pages that read a lot and write
 * nothing. A write attempted by fn fails (and is logged). */
void bst_platform_read(struct bst_platform *p, void (*fn)(void *cls), void *cls);

/* The platform's settings, from a cache refreshed when main.db changed
 * (see bst_db_maybe_changed). Returns 0, or -1 when they cannot be read. */
int bst_platform_settings(struct bst_platform *p, struct bst_settings *out, int64_t now_ms);
/* After this process changed the settings: the next read goes to main.db. */
void bst_platform_settings_changed(struct bst_platform *p);

/* Lower-cases, drops the port and a trailing dot; refuses anything that is
 * not a DNS name or an IP literal. Returns 0 or -1. */
int bst_host_normalize(const char *in, char *out, size_t outlen);
/* [a-z][a-z0-9-]{0,39} */
bool bst_slug_valid(const char *slug);
/* A platform's display name: UTF-8 text, no control characters, at most
 * BST_PLATFORM_NAME_MAX bytes (it fits the 256-byte fields it is kept in). */
#define BST_PLATFORM_NAME_MAX 200
bool bst_platform_name_valid(const char *name);

/* Creates the platform's directory, databases and data key, and registers
 * its hosts. Returns 0, or -1 with a sentence in err. */
int bst_platform_create(struct bst_install *in, const char *slug, const char *name,
			const char *const *hosts, size_t n_hosts, char *err, size_t errlen);
/* The same with a given data key (a restore side by side). */
int bst_platform_create_keyed(struct bst_install *in, const char *slug, const char *name,
			      const char *const *hosts, size_t n_hosts,
			      const uint8_t key[BST_KEY_BYTES], char *err, size_t errlen);
/* Opens one platform by slug (CLI). The caller bst_platform_close()s it. */
/* The slugs of every platform: *out (the caller free()s it) and *n.
 * Returns 0, or -1 (the control database failed, or out of memory). */
int bst_platform_slugs(struct bst_install *in, char (**out)[48], size_t *n);
int bst_platform_open(struct bst_install *in, const char *slug, struct bst_platform **out,
		      char *err, size_t errlen);
void bst_platform_close(struct bst_platform *p);

typedef struct bst_registry bst_registry;
bst_registry *bst_registry_new(struct bst_install *in);
void bst_registry_free(bst_registry *r);
/* Reloads platforms and hosts if the control database changed since the
 * last call (one indexed read when nothing changed). */
void bst_registry_refresh(bst_registry *r);
/* The same, for every request: looks at the database at most every
 * BST_DB_WATCH_MIN_MS, so changes made by the CLI show within that delay. */
void bst_registry_poll(bst_registry *r);
/* The platform serving host (already normalised), or NULL. */
struct bst_platform *bst_registry_resolve(bst_registry *r, const char *host);
/* Calls fn for every open platform (scheduler jobs, shutdown flushes). */
void bst_registry_each(bst_registry *r, void (*fn)(struct bst_platform *p, void *cls),
		       void *cls);

#endif
