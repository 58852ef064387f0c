/* Backup manifests (see backup_manifest.h). */
#include "ops/backup_manifest.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* JSON integers are exact up to 2^53 in every reader worth having. */
#define MAX_JSON_INT ((int64_t)1 << 53)

int bst_manifest_add_blob(struct bst_manifest *m, const struct bst_manifest_blob *b)
{
	if (m->n_blobs == m->cap_blobs) {
		size_t cap = m->cap_blobs ? 2 * m->cap_blobs : 64;
		struct bst_manifest_blob *g = realloc(m->blobs, cap * sizeof *g);
		if (!g)
			return -1;
		m->blobs = g;
		m->cap_blobs = cap;
	}
	m->blobs[m->n_blobs++] = *b;
	return 0;
}

void bst_manifest_clear(struct bst_manifest *m)
{
	free(m->blobs);
	m->blobs = NULL;
	m->n_blobs = m->cap_blobs = 0;
}

int bst_manifest_each_object(const struct bst_manifest *m,
			     int (*fn)(void *cls, const char *hash, uint64_t size), void *cls)
{
	for (size_t i = 0; i < m->n_blobs; i++) {
		int rc = fn(cls, m->blobs[i].hash, m->blobs[i].size);
		if (rc)
			return rc;
	}
	return 0;
}

uint64_t bst_manifest_size(const struct bst_manifest *m)
{
	uint64_t total = 0;
	for (size_t i = 0; i < m->n_files; i++)
		total += m->files[i].size;
	for (size_t i = 0; i < m->n_blobs; i++)
		total += m->blobs[i].size;
	return total;
}

void bst_backup_id_format(int64_t ms, char out[BST_BACKUP_ID_LEN + 1])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	if (strftime(out, BST_BACKUP_ID_LEN + 1, "%Y%m%dT%H%M%SZ", &tm) != BST_BACKUP_ID_LEN)
		out[0] = '\0'; /* a year beyond 9999 */
}

bool bst_backup_id_parse(const char *id, int64_t *ms)
{
	*ms = 0;
	if (strlen(id) != BST_BACKUP_ID_LEN || id[8] != 'T' || id[15] != 'Z')
		return false;
	for (int i = 0; i < 15; i++)
		if (i != 8 && (id[i] < '0' || id[i] > '9'))
			return false;
	struct tm tm = {0};
	tm.tm_year = atoi((char[]){id[0], id[1], id[2], id[3], 0}) - 1900;
	tm.tm_mon = atoi((char[]){id[4], id[5], 0}) - 1;
	tm.tm_mday = atoi((char[]){id[6], id[7], 0});
	tm.tm_hour = atoi((char[]){id[9], id[10], 0});
	tm.tm_min = atoi((char[]){id[11], id[12], 0});
	tm.tm_sec = atoi((char[]){id[13], id[14], 0});
	if (tm.tm_year < 70 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 59)
		return false;
	time_t t = timegm(&tm);
	char back[BST_BACKUP_ID_LEN + 1];
	bst_backup_id_format((int64_t)t * 1000, back);
	if (strcmp(back, id) != 0) /* 20250231: not a date */
		return false;
	*ms = (int64_t)t * 1000;
	return true;
}

static bool is_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool scope_ok(const char *s)
{
	if (strcmp(s, BST_BACKUP_CONTROL_SCOPE) == 0)
		return true;
	size_t n = strlen(s);
	if (n == 0 || n > 40 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

char *bst_manifest_dump(const struct bst_manifest *m)
{
	json_t *files = json_array(), *blobs = json_array();
	json_t *root = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:o}", "format",
				 BST_MANIFEST_FORMAT, "scope", m->scope, "id", m->id,
				 "created_ms", (json_int_t)m->created_ms, "written",
				 (json_int_t)m->written, "duration_ms", (json_int_t)m->duration_ms,
				 "files", files, "blobs", blobs);
	if (!root)
		return NULL;
	for (size_t i = 0; i < m->n_files; i++) {
		const struct bst_manifest_file *f = &m->files[i];
		if (json_array_append_new(files, json_pack("{s:s, s:I, s:I, s:s}", "name", f->name,
							   "size", (json_int_t)f->size,
							   "plain_size",
							   (json_int_t)f->plain_size, "blake2b",
							   f->hash)) != 0)
			goto fail;
	}
	for (size_t i = 0; i < m->n_blobs; i++) {
		const struct bst_manifest_blob *b = &m->blobs[i];
		if (json_array_append_new(blobs, json_pack("{s:s, s:I, s:s}", "name", b->name,
							   "size", (json_int_t)b->size,
							   "blake2b", b->hash)) != 0)
			goto fail;
	}
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
fail:
	json_decref(root);
	return NULL;
}

static int cmp_blob(const void *a, const void *b)
{
	return strcmp(((const struct bst_manifest_blob *)a)->name,
		      ((const struct bst_manifest_blob *)b)->name);
}

/* A non-negative JSON integer within MAX_JSON_INT. */
static bool get_u64(json_t *v, uint64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > MAX_JSON_INT)
		return false;
	*out = (uint64_t)json_integer_value(v);
	return true;
}

#define FAIL(...)                                                                            \
	do {                                                                                 \
		snprintf(err, errlen, __VA_ARGS__);                                          \
		goto fail;                                                                   \
	} while (0)

int bst_manifest_parse(const char *text, size_t len, struct bst_manifest *m, char *err,
		       size_t errlen)
{
	memset(m, 0, sizeof *m);
	json_error_t jerr;
	json_t *root = NULL;
	if (len > BST_MANIFEST_MAX_BYTES)
		FAIL("manifest too large");
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root))
		FAIL("manifest is not a JSON object");
	const char *format = NULL, *scope = NULL, *id = NULL;
	json_int_t created = 0, written = 0, duration = 0;
	json_t *files = NULL, *blobs = NULL;
	if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:o}",
			   "format", &format, "scope", &scope, "id", &id, "created_ms", &created,
			   "written", &written, "duration_ms", &duration, "files", &files,
			   "blobs", &blobs) != 0)
		FAIL("manifest has not the expected fields");
	if (strcmp(format, BST_MANIFEST_FORMAT) != 0)
		FAIL("unknown manifest format");
	if (!scope_ok(scope))
		FAIL("invalid scope in manifest");
	int64_t id_ms;
	if (!bst_backup_id_parse(id, &id_ms))
		FAIL("invalid backup id in manifest");
	if (created < 0 || written < 0 || duration < 0 || created > MAX_JSON_INT ||
	    written > MAX_JSON_INT || duration > MAX_JSON_INT)
		FAIL("invalid numbers in manifest");
	snprintf(m->scope, sizeof m->scope, "%s", scope);
	snprintf(m->id, sizeof m->id, "%s", id);
	m->created_ms = created;
	m->written = (uint64_t)written;
	m->duration_ms = duration;
	if (!json_is_array(files) || json_array_size(files) > BST_MANIFEST_MAX_FILES)
		FAIL("invalid file list in manifest");
	size_t i;
	json_t *v;
	json_array_foreach(files, i, v)
	{
		struct bst_manifest_file *f = &m->files[m->n_files];
		const char *name = NULL, *hash = NULL;
		json_t *size = NULL, *plain = NULL;
		if (json_unpack_ex(v, &jerr, JSON_STRICT, "{s:s, s:o, s:o, s:s}", "name", &name,
				   "size", &size, "plain_size", &plain, "blake2b", &hash) != 0 ||
		    !get_u64(size, &f->size) || !get_u64(plain, &f->plain_size) ||
		    !is_hex(hash, 2 * BST_BACKUP_HASH_BYTES))
			FAIL("invalid file entry %zu in manifest", i);
		if (strcmp(name, "main.db") != 0 && strcmp(name, "audit.db") != 0 &&
		    strcmp(name, "control.db") != 0)
			FAIL("unknown file in manifest");
		for (size_t k = 0; k < m->n_files; k++)
			if (strcmp(m->files[k].name, name) == 0)
				FAIL("file %s listed twice in manifest", name);
		snprintf(f->name, sizeof f->name, "%s", name);
		snprintf(f->hash, sizeof f->hash, "%s", hash);
		m->n_files++;
	}
	if (!json_is_array(blobs))
		FAIL("invalid blob list in manifest");
	json_array_foreach(blobs, i, v)
	{
		struct bst_manifest_blob b = {0};
		const char *name = NULL, *hash = NULL;
		json_t *size = NULL;
		if (json_unpack_ex(v, &jerr, JSON_STRICT, "{s:s, s:o, s:s}", "name", &name, "size",
				   &size, "blake2b", &hash) != 0 ||
		    !get_u64(size, &b.size) || !is_hex(name, 32) ||
		    !is_hex(hash, 2 * BST_BACKUP_HASH_BYTES))
			FAIL("invalid blob entry %zu in manifest", i);
		snprintf(b.name, sizeof b.name, "%s", name);
		snprintf(b.hash, sizeof b.hash, "%s", hash);
		if (bst_manifest_add_blob(m, &b) != 0)
			FAIL("out of memory");
	}
	if (m->n_blobs > 1) {
		qsort(m->blobs, m->n_blobs, sizeof *m->blobs, cmp_blob);
		for (i = 1; i < m->n_blobs; i++)
			if (strcmp(m->blobs[i - 1].name, m->blobs[i].name) == 0)
				FAIL("blob %s listed twice in manifest", m->blobs[i].name);
	}
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	bst_manifest_clear(m);
	return -1;
}

static void sig_message(crypto_sign_state *st, const char *text, size_t len)
{
	crypto_sign_init(st);
	crypto_sign_update(st, (const unsigned char *)BST_MANIFEST_SIG_CONTEXT,
			   strlen(BST_MANIFEST_SIG_CONTEXT));
	crypto_sign_update(st, (const unsigned char *)text, len);
}

void bst_manifest_sign(const char *text, size_t len, const uint8_t sk[64],
		       char out[BST_MANIFEST_SIG_HEX])
{
	crypto_sign_state st;
	unsigned char sig[crypto_sign_BYTES];
	sig_message(&st, text, len);
	crypto_sign_final_create(&st, sig, NULL, sk);
	sodium_bin2hex(out, BST_MANIFEST_SIG_HEX, sig, sizeof sig);
}

bool bst_manifest_check(const char *text, size_t len, const char *sig_hex, size_t sig_len,
			const uint8_t pk[32])
{
	unsigned char sig[crypto_sign_BYTES];
	size_t got = 0;
	if (sodium_hex2bin(sig, sizeof sig, sig_hex, sig_len, " \n\r\t", &got, NULL) != 0 ||
	    got != sizeof sig)
		return false;
	crypto_sign_state st;
	sig_message(&st, text, len);
	return crypto_sign_final_verify(&st, sig, pk) == 0;
}
