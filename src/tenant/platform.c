/* Platforms and the host registry (see platform.h). */
#include "tenant/platform.h"
#include "core/str.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/queries.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool bst_platform_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;
	if (len == 0 || len > BST_PLATFORM_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f)
			return false;
	}
	/* valid UTF-8: it goes into pages, mail headers and bodies */
	for (const unsigned char *p = (const unsigned char *)name; *p;) {
		int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
		if (n == 0)
			return false;
		for (int k = 1; k < n; k++)
			if ((p[k] & 0xc0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

bool bst_slug_valid(const char *slug)
{
	size_t n = strlen(slug);
	if (n == 0 || n > BST_SLUG_MAX || !islower((unsigned char)slug[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)slug[i]) || isdigit((unsigned char)slug[i]) ||
		      slug[i] == '-'))
			return false;
	return true;
}

static bool all_digits(const char *p)
{
	if (!*p)
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

int bst_host_normalize(const char *in, char *out, size_t outlen)
{
	if (!in || outlen == 0)
		return -1;
	out[0] = '\0';
	size_t len;
	if (in[0] == '[') { /* IPv6 literal, maybe with a port */
		const char *close = strchr(in, ']');
		if (!close || close == in + 1 || (close[1] != '\0' && close[1] != ':') ||
		    (close[1] == ':' && !all_digits(close + 2)))
			return -1;
		len = (size_t)(close + 1 - in);
		if (len >= outlen)
			return -1;
		for (size_t i = 1; i + 1 < len; i++) {
			unsigned char c = (unsigned char)in[i];
			if (!(isxdigit(c) || c == ':' || c == '.'))
				return -1;
		}
		for (size_t i = 0; i < len; i++)
			out[i] = (char)tolower((unsigned char)in[i]);
		out[len] = '\0';
		return 0;
	}
	const char *colon = strchr(in, ':');
	if (colon && !all_digits(colon + 1))
		return -1;
	len = colon ? (size_t)(colon - in) : strlen(in);
	if (len > 0 && in[len - 1] == '.')
		len--; /* the root label: "example.org." is "example.org" */
	if (len == 0 || len > BST_HOST_MAX || len >= outlen)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (!(isalnum(c) || c == '-' || c == '.'))
			return -1;
		if (c == '.' && (i == 0 || i + 1 == len || in[i + 1] == '.'))
			return -1;
		out[i] = (char)tolower(c);
	}
	out[len] = '\0';
	return out[0] == '-' ? -1 : 0;
}

static int open_dbs(struct bst_install *in, struct bst_platform *p, char *err, size_t errlen)
{
	char path[700];
	snprintf(path, sizeof path, "%s/platforms/%s/main.db", in->dir, p->slug);
	if (bst_db_open(path, BST_DB_PLATFORM, &p->main, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/platforms/%s/audit.db", in->dir, p->slug);
	if (bst_db_open(path, BST_DB_AUDIT, &p->audit, err, errlen) != 0)
		return -1;
	return bst_install_key_load(in, p->slug, p->key, err, errlen);
}

static int create(struct bst_install *in, const char *slug, const char *name,
		  const char *const *hosts, size_t n_hosts, const uint8_t *given_key, char *err,
		  size_t errlen);

int bst_platform_create(struct bst_install *in, const char *slug, const char *name,
			const char *const *hosts, size_t n_hosts, char *err, size_t errlen)
{
	return create(in, slug, name, hosts, n_hosts, NULL, err, errlen);
}

int bst_platform_create_keyed(struct bst_install *in, const char *slug, const char *name,
			      const char *const *hosts, size_t n_hosts,
			      const uint8_t key[BST_KEY_BYTES], char *err, size_t errlen)
{
	return create(in, slug, name, hosts, n_hosts, key, err, errlen);
}

static int create(struct bst_install *in, const char *slug, const char *name,
		  const char *const *hosts, size_t n_hosts, const uint8_t *given_key, char *err,
		  size_t errlen)
{
	if (!bst_slug_valid(slug)) {
		snprintf(err, errlen,
			 "invalid platform name '%s': use 1 to 40 lower-case letters, digits "
			 "and dashes, starting with a letter",
			 slug);
		return -1;
	}
	if (!bst_platform_name_valid(name)) {
		snprintf(err, errlen,
			 "invalid display name: give 1 to %d bytes of text without control "
			 "characters",
			 BST_PLATFORM_NAME_MAX);
		return -1;
	}
	if (n_hosts == 0 || n_hosts > BST_MAX_HOSTS) {
		snprintf(err, errlen, "a platform needs between 1 and %d host names",
			 BST_MAX_HOSTS);
		return -1;
	}
	char norm[BST_MAX_HOSTS][BST_HOST_MAX + 1];
	const char *normp[BST_MAX_HOSTS];
	for (size_t i = 0; i < n_hosts; i++) {
		if (bst_host_normalize(hosts[i], norm[i], sizeof norm[i]) != 0) {
			snprintf(err, errlen, "invalid host name '%s'", hosts[i]);
			return -1;
		}
		normp[i] = norm[i];
	}
	char path[700];
	snprintf(path, sizeof path, "%s/platforms/%s", in->dir, slug);
	if (mkdir(path, 0700) != 0) {
		if (errno == EEXIST)
			snprintf(err, errlen, "platform %s already exists", slug);
		else
			snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	struct bst_platform p = {0};
	bst_str_copy(p.slug, sizeof p.slug, slug);
	uint8_t key[BST_KEY_BYTES];
	int rc = -1;
	bool key_made = false;
	if ((given_key ? bst_install_key_put(in, slug, given_key, err, errlen)
		       : bst_install_key_create(in, slug, key, err, errlen)) != 0)
		goto cleanup;
	key_made = true;
	if (open_dbs(in, &p, err, errlen) != 0)
		goto cleanup;
	switch (bst_q_platform_insert(in->control, slug, name, normp, n_hosts, bst_now_ms())) {
	case BST_QS_ONE_RESULT:
		rc = 0;
		break;
	case BST_QS_NO_RESULTS:
		snprintf(err, errlen, "one of the host names already serves another platform");
		break;
	default:
		snprintf(err, errlen, "cannot record platform %s in the control database", slug);
	}
cleanup:
	sodium_memzero(key, sizeof key);
	bst_db_close(p.main);
	bst_db_close(p.audit);
	sodium_memzero(p.key, sizeof p.key);
	if (rc != 0) {
		/* leave nothing half-made behind: the slug can be used again */
		snprintf(path, sizeof path, "%s/platforms/%s/main.db", in->dir, slug);
		char tail[720];
		static const char *files[] = {"main.db", "main.db-wal", "main.db-shm", "audit.db",
					      "audit.db-wal", "audit.db-shm"};
		for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
			snprintf(tail, sizeof tail, "%s/platforms/%s/%s", in->dir, slug, files[i]);
			unlink(tail);
		}
		snprintf(path, sizeof path, "%s/platforms/%s", in->dir, slug);
		rmdir(path);
		/* only our own key: one left by an earlier platform of this slug
		 * is not ours to destroy */
		if (key_made)
			bst_q_key_delete(in->keys, slug);
	}
	return rc;
}

struct platform_read {
	void (*fn)(void *cls);
	void *cls;
	bool ran;
};

static enum bst_qs platform_read_txn(bst_db *db, void *cls)
{
	struct platform_read *pr = cls;
	pr->ran = true;
	pr->fn(pr->cls);
	return BST_QS_ONE_RESULT;
}

void bst_platform_read(struct bst_platform *p, void (*fn)(void *cls), void *cls)
{
	struct platform_read pr = {fn, cls, false};
	bst_db_snapshot(p->main, platform_read_txn, &pr);
	if (!pr.ran) /* no transaction could begin: statement by statement */
		fn(cls);
}

int bst_platform_settings(struct bst_platform *p, struct bst_settings *out, int64_t now_ms)
{
	if (bst_db_maybe_changed(p->main, &p->settings_watch, now_ms) ||
	    !atomic_load(&p->settings_valid)) {
		struct bst_settings fresh;
		if (bst_q_settings_get(p->main, &fresh) != BST_QS_ONE_RESULT) {
			bst_db_watch_reset(&p->settings_watch);
			return -1;
		}
		pthread_rwlock_wrlock(&p->settings_lock);
		p->settings = fresh;
		atomic_store(&p->settings_valid, true);
		pthread_rwlock_unlock(&p->settings_lock);
	}
	pthread_rwlock_rdlock(&p->settings_lock);
	*out = p->settings;
	pthread_rwlock_unlock(&p->settings_lock);
	return 0;
}

void bst_platform_settings_changed(struct bst_platform *p)
{
	atomic_store(&p->settings_valid, false);
}

static struct bst_platform *platform_from_row(const struct bst_platform_row *row)
{
	struct bst_platform *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	pthread_rwlock_init(&p->settings_lock, NULL);
	bst_db_watch_init(&p->settings_watch);
	p->id = row->id;
	snprintf(p->slug, sizeof p->slug, "%.40s", row->slug);
	bst_str_copy(p->name, sizeof p->name, row->name);
	atomic_store(&p->suspended, row->suspended);
	return p;
}

int bst_platform_open(struct bst_install *in, const char *slug, struct bst_platform **out,
		      char *err, size_t errlen)
{
	*out = NULL;
	struct bst_platform_row row;
	if (bst_q_platform_get(in->control, slug, &row) != BST_QS_ONE_RESULT) {
		snprintf(err, errlen, "no platform named %s", slug);
		return -1;
	}
	struct bst_platform *p = platform_from_row(&row);
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (open_dbs(in, p, err, errlen) != 0) {
		bst_platform_close(p);
		return -1;
	}
	*out = p;
	return 0;
}

void bst_platform_close(struct bst_platform *p)
{
	if (!p)
		return;
	bst_db_close(p->main);
	bst_db_close(p->audit);
	sodium_memzero(p->key, sizeof p->key);
	pthread_rwlock_destroy(&p->settings_lock);
	bst_db_watch_destroy(&p->settings_watch);
	free(p);
}

/* ---- registry ---- */

struct host_entry {
	char *host;
	struct bst_platform *p;
};

struct bst_registry {
	struct bst_install *in;
	pthread_rwlock_t lock;
	struct bst_db_watch watch; /* control.db: skip the query when unchanged */
	int64_t generation;
	struct bst_platform **platforms; /* never shrinks while serving */
	size_t n_platforms;
	struct host_entry *hosts;        /* sorted by host */
	size_t n_hosts;
};

bst_registry *bst_registry_new(struct bst_install *in)
{
	bst_registry *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->in = in;
	r->generation = -1;
	pthread_rwlock_init(&r->lock, NULL);
	bst_db_watch_init(&r->watch);
	bst_registry_refresh(r);
	return r;
}

static void free_hosts(struct host_entry *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(h[i].host);
	free(h);
}

void bst_registry_free(bst_registry *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_platforms; i++)
		bst_platform_close(r->platforms[i]);
	free(r->platforms);
	free_hosts(r->hosts, r->n_hosts);
	pthread_rwlock_destroy(&r->lock);
	bst_db_watch_destroy(&r->watch);
	free(r);
}

static struct bst_platform *find_by_id(bst_registry *r, int64_t id)
{
	for (size_t i = 0; i < r->n_platforms; i++)
		if (r->platforms[i]->id == id)
			return r->platforms[i];
	return NULL;
}

struct reload {
	bst_registry *r;
	struct host_entry *hosts;
	size_t n_hosts, cap_hosts;
	bool failed;      /* out of memory or store error: keep the old table */
	bool open_failed; /* a platform did not open: install, retry later */
};

static void on_platform(void *cls, const struct bst_platform_row *row)
{
	struct reload *rl = cls;
	bst_registry *r = rl->r;
	struct bst_platform *p = find_by_id(r, row->id);
	if (p) {
		atomic_store(&p->suspended, row->suspended);
		return;
	}
	p = platform_from_row(row);
	char err[512];
	if (!p || open_dbs(r->in, p, err, sizeof err) != 0) {
		/* that platform's hosts answer 421 until it opens; the others
		 * are not held hostage */
		bst_log_error("platform %s cannot be opened, its hosts are not served: %s",
			      row->slug, p ? err : "out of memory");
		if (!p)
			rl->failed = true;
		rl->open_failed = true;
		bst_platform_close(p);
		return;
	}
	struct bst_platform **grown =
		realloc(r->platforms, (r->n_platforms + 1) * sizeof *r->platforms);
	if (!grown) {
		bst_platform_close(p);
		rl->failed = true;
		return;
	}
	r->platforms = grown;
	r->platforms[r->n_platforms++] = p;
	bst_log_info("platform %s loaded", p->slug);
}

static void on_host(void *cls, const char *host, int64_t platform_id)
{
	struct reload *rl = cls;
	struct bst_platform *p = find_by_id(rl->r, platform_id);
	if (!p)
		return; /* its platform failed to open: its hosts get 421 */
	if (rl->n_hosts == rl->cap_hosts) {
		size_t cap = rl->cap_hosts ? 2 * rl->cap_hosts : 16;
		struct host_entry *g = realloc(rl->hosts, cap * sizeof *g);
		if (!g) {
			rl->failed = true;
			return;
		}
		rl->hosts = g;
		rl->cap_hosts = cap;
	}
	char *copy = strdup(host);
	if (!copy) {
		rl->failed = true;
		return;
	}
	rl->hosts[rl->n_hosts++] = (struct host_entry){copy, p};
}

void bst_registry_poll(bst_registry *r)
{
	if (bst_db_maybe_changed(r->in->control, &r->watch, bst_now_ms()))
		bst_registry_refresh(r);
}

void bst_registry_refresh(bst_registry *r)
{
	int64_t gen = bst_q_generation(r->in->control);
	pthread_rwlock_rdlock(&r->lock);
	bool same = gen == r->generation;
	pthread_rwlock_unlock(&r->lock);
	if (same || gen < 0)
		return;
	pthread_rwlock_wrlock(&r->lock);
	if (gen != r->generation) {
		struct reload rl = {.r = r};
		/* hosts come sorted from the query */
		if (bst_q_platform_each(r->in->control, on_platform, &rl) >= 0 &&
		    bst_q_hosts_each(r->in->control, on_host, &rl) >= 0 && !rl.failed) {
			free_hosts(r->hosts, r->n_hosts);
			r->hosts = rl.hosts;
			r->n_hosts = rl.n_hosts;
			/* a platform that did not open is tried again at the next
			 * look (within BST_DB_WATCH_MAX_MS) */
			if (!rl.open_failed)
				r->generation = gen;
		} else {
			free_hosts(rl.hosts, rl.n_hosts);
		}
	}
	pthread_rwlock_unlock(&r->lock);
}

static int cmp_host(const void *key, const void *elem)
{
	return strcmp(key, ((const struct host_entry *)elem)->host);
}

struct bst_platform *bst_registry_resolve(bst_registry *r, const char *host)
{
	pthread_rwlock_rdlock(&r->lock);
	struct host_entry *e = r->n_hosts ? bsearch(host, r->hosts, r->n_hosts, sizeof *r->hosts,
						    cmp_host)
					  : NULL;
	struct bst_platform *p = e ? e->p : NULL;
	pthread_rwlock_unlock(&r->lock);
	return p;
}

void bst_registry_each(bst_registry *r, void (*fn)(struct bst_platform *p, void *cls),
		       void *cls)
{
	pthread_rwlock_rdlock(&r->lock);
	for (size_t i = 0; i < r->n_platforms; i++)
		fn(r->platforms[i], cls);
	pthread_rwlock_unlock(&r->lock);
}

struct slugs {
	char (*v)[48];
	size_t n, cap;
	bool oom;
};

static void add_slug(void *cls, const struct bst_platform_row *row)
{
	struct slugs *s = cls;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		char(*g)[48] = realloc(s->v, cap * sizeof *s->v);
		if (!g) {
			s->oom = true;
			return;
		}
		s->v = g;
		s->cap = cap;
	}
	snprintf(s->v[s->n++], sizeof *s->v, "%s", row->slug);
}

int bst_platform_slugs(struct bst_install *in, char (**out)[48], size_t *n)
{
	struct slugs s = {0};
	if (bst_q_platform_each(in->control, add_slug, &s) < 0 || s.oom) {
		free(s.v);
		*out = NULL;
		*n = 0;
		return -1;
	}
	*out = s.v;
	*n = s.n;
	return 0;
}
