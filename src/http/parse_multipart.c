/* multipart/form-data (RFC 7578 over RFC 2046 §5.1), streaming: a state
 * machine that takes bytes in any chunking and yields the same parts. It
 * holds back at most one delimiter's worth of bytes and a part's header
 * block (bounded by MULTIPART_MAX_HEADER_BYTES); part contents pass through.
 * Strict where RFC 2046 is: a delimiter line with anything but transport
 * padding after the boundary is refused rather than treated as data, since
 * the boundary must not occur in a part. Each parser is owned by one
 * request: no shared state. */
#include "http/parse.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/parse_internal.h"

/* RFC 2046 §5.1.1: a boundary is 1 to 70 characters. */
#define MULTIPART_MAX_BOUNDARY 70
/* The header block of one part, line ends included. Browsers send two short
 * lines; 8 KiB is the per-line limit most HTTP servers apply to request
 * headers (Apache LimitRequestFieldSize 8190, nginx large buffer 8k). */
#define MULTIPART_MAX_HEADER_BYTES 8192
/* A text field of a form without uploads: a long comment fits many times;
 * bigger text belongs in a JSON or file upload. */
#define MULTIPART_MAX_TEXT_VALUE (64 * 1024)

/* "\r\n--" in front of the boundary makes a delimiter. */
#define DELIM_PREFIX     "\r\n--"
#define DELIM_PREFIX_LEN 4

enum state {
	ST_PREAMBLE,    /* before the first delimiter; discarded */
	ST_AFTER_DELIM, /* a delimiter just matched */
	ST_PADDING,     /* transport padding after a delimiter */
	ST_DELIM_LF,    /* CR after a delimiter, LF expected */
	ST_CLOSE_DASH,  /* one '-' after a delimiter, a second expected */
	ST_HEADER,      /* inside a part's header block */
	ST_HEADER_LF,   /* CR in the header block, LF expected */
	ST_DATA,        /* a part's contents */
	ST_EPILOGUE,    /* after the close delimiter; discarded */
	ST_ERROR,       /* sticky: err holds the result */
};

struct bst_multipart {
	const struct bst_multipart_cb *cb;
	void *cls;
	enum state st;
	int err;
	size_t parts;
	/* delim[0..match) has been seen and not yet passed on as data. '\r'
	 * occurs in delim only at index 0 (boundaries cannot hold it), so on a
	 * mismatch the held bytes are all data: no KMP table needed. */
	size_t match;
	size_t delim_len;
	char delim[DELIM_PREFIX_LEN + MULTIPART_MAX_BOUNDARY + 1];
	/* Header block of the current part, each line ended by '\n'. */
	size_t hraw, hlen, line_start;
	char hdr[MULTIPART_MAX_HEADER_BYTES];
	/* Decoded name, filename and content type handed to part_begin; never
	 * longer than the header block they come from, plus their NULs. */
	size_t slen;
	char strs[MULTIPART_MAX_HEADER_BYTES + 8];
};

/* ---- Header syntax shared by Content-Type and Content-Disposition ---- */

static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 2046 §5.1.1 bchars, and no trailing space. */
static bool boundary_valid(const char *s, size_t len)
{
	if (len < 1 || len > MULTIPART_MAX_BOUNDARY || s[len - 1] == ' ')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		             (c >= 'A' && c <= 'Z');
		if (!alnum && (c == '\0' || !strchr("'()+_,-./:=? ", c)))
			return false;
	}
	return true;
}

static const char *skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *skip_token(const char *p, const char *end)
{
	while (p < end && is_tchar((unsigned char)*p))
		p++;
	return p;
}

struct param {
	const char *name, *raw; /* raw: the value as written, quotes excluded */
	size_t nlen, rlen;
	bool quoted;
};

/* Reads OWS ";" OWS token "=" ( token / quoted-string ) from *p. Returns 1
 * with *out filled, 0 at the end of the header value, -1 when malformed.
 * Inside quotes a backslash escapes only '"' and '\\' and is literal
 * otherwise, as browsers do not escape backslashes in file names
 * ("C:\dir\a.txt") but other clients send \" for a quote. */
static int next_param(const char **p, const char *end, struct param *out)
{
	const char *s = skip_ows(*p, end);
	if (s == end) {
		*p = s;
		return 0;
	}
	if (*s != ';')
		return -1;
	s = skip_ows(s + 1, end);
	out->name = s;
	s = skip_token(s, end);
	out->nlen = (size_t)(s - out->name);
	if (out->nlen == 0 || s == end || *s != '=')
		return -1;
	s++;
	if (s < end && *s == '"') {
		out->quoted = true;
		out->raw = ++s;
		while (s < end && *s != '"') {
			if (*s == '\\' && s + 1 < end && (s[1] == '"' || s[1] == '\\'))
				s++;
			s++;
		}
		if (s == end)
			return -1;
		out->rlen = (size_t)(s - out->raw);
		s++;
	} else {
		out->quoted = false;
		out->raw = s;
		s = skip_token(s, end);
		out->rlen = (size_t)(s - out->raw);
		if (out->rlen == 0)
			return -1;
	}
	*p = s;
	return 1;
}

/* Writes the parameter's value, unescaped, NUL-terminated, into dst (room
 * for cap bytes); false when it does not fit. */
static bool param_value(const struct param *pm, char *dst, size_t cap, size_t *len)
{
	size_t n = 0;
	for (size_t i = 0; i < pm->rlen; i++) {
		char c = pm->raw[i];
		if (pm->quoted && c == '\\' && i + 1 < pm->rlen &&
		    (pm->raw[i + 1] == '"' || pm->raw[i + 1] == '\\'))
			c = pm->raw[++i];
		if (n + 1 >= cap)
			return false;
		dst[n++] = c;
	}
	if (n >= cap)
		return false;
	dst[n] = '\0';
	*len = n;
	return true;
}

static bool param_is(const struct param *pm, const char *name)
{
	return pm->nlen == strlen(name) && strncasecmp(pm->name, name, pm->nlen) == 0;
}

int bst_multipart_boundary(const char *content_type, char *out, size_t outlen)
{
	if (outlen)
		out[0] = '\0';
	if (!content_type || outlen == 0)
		return BST_PARSE_MALFORMED;
	static const char type[] = "multipart/form-data";
	const char *end = content_type + strlen(content_type);
	const char *p = skip_ows(content_type, end);
	if ((size_t)(end - p) < sizeof type - 1 ||
	    strncasecmp(p, type, sizeof type - 1) != 0)
		return BST_PARSE_MALFORMED;
	p += sizeof type - 1;

	char b[MULTIPART_MAX_BOUNDARY + 1];
	size_t blen = 0;
	bool seen = false;
	struct param pm;
	int r;
	while ((r = next_param(&p, end, &pm)) == 1) {
		if (!param_is(&pm, "boundary"))
			continue;
		if (seen || !param_value(&pm, b, sizeof b, &blen))
			return BST_PARSE_MALFORMED;
		seen = true;
	}
	if (r < 0 || !seen || !boundary_valid(b, blen) || blen + 1 > outlen)
		return BST_PARSE_MALFORMED;
	memcpy(out, b, blen + 1);
	return BST_PARSE_OK;
}

/* ---- The streaming parser ---- */

bst_multipart *bst_multipart_new(const char *boundary, const struct bst_multipart_cb *cb,
                                 void *cls)
{
	if (!boundary)
		return NULL;
	size_t blen = strlen(boundary);
	if (!boundary_valid(boundary, blen))
		return NULL;
	bst_multipart *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->cb = cb;
	m->cls = cls;
	m->st = ST_PREAMBLE;
	memcpy(m->delim, DELIM_PREFIX, DELIM_PREFIX_LEN);
	memcpy(m->delim + DELIM_PREFIX_LEN, boundary, blen + 1);
	m->delim_len = DELIM_PREFIX_LEN + blen;
	/* The body may open with "--boundary": act as if a CRLF came first. */
	m->match = 2;
	return m;
}

void bst_multipart_free(bst_multipart *m)
{
	free(m);
}

static int emit(bst_multipart *m, const char *data, size_t len)
{
	if (m->st != ST_DATA || len == 0 || !m->cb || !m->cb->part_data)
		return 0;
	return m->cb->part_data(m->cls, data, len);
}

/* Stores a decoded string in m->strs and returns it. */
static const char *keep(bst_multipart *m, const struct param *pm)
{
	char *dst = m->strs + m->slen;
	size_t len = 0;
	bool ok = param_value(pm, dst, sizeof m->strs - m->slen, &len);
	assert(ok); /* decoded text is never longer than the header block */
	if (!ok) {
		dst[0] = '\0';
		len = 0;
	}
	m->slen += len + 1;
	return dst;
}

static int parse_disposition(bst_multipart *m, const char *p, const char *end,
                             const char **name, const char **filename)
{
	static const char type[] = "form-data";
	const char *t = skip_token(p, end);
	if ((size_t)(t - p) != sizeof type - 1 ||
	    strncasecmp(p, type, sizeof type - 1) != 0)
		return BST_PARSE_MALFORMED;
	p = t;
	struct param pm;
	int r;
	while ((r = next_param(&p, end, &pm)) == 1) {
		if (param_is(&pm, "name")) {
			if (*name)
				return BST_PARSE_MALFORMED;
			*name = keep(m, &pm);
		} else if (param_is(&pm, "filename")) {
			if (*filename)
				return BST_PARSE_MALFORMED;
			*filename = keep(m, &pm);
		}
		/* other parameters (RFC 7578 forbids filename*) carry nothing we use */
	}
	if (r < 0 || !*name || !**name)
		return BST_PARSE_MALFORMED;
	if (*filename) {
		/* RFC 7578 §4.2: path information in a filename is to be ignored. */
		const char *base = *filename;
		for (const char *s = *filename; *s; s++) {
			if (*s == '/' || *s == '\\')
				base = s + 1;
		}
		*filename = base;
	}
	return BST_PARSE_OK;
}

static bool value_is(const char *p, const char *end, const char *word)
{
	return (size_t)(end - p) == strlen(word) &&
	       strncasecmp(p, word, strlen(word)) == 0;
}

/* The header block is complete: check it, then start the part. */
static int headers_done(bst_multipart *m)
{
	const char *name = NULL, *filename = NULL, *ctype = NULL;
	bool seen_cd = false;
	m->slen = 0;
	if (!bst_parse_text_valid(m->hdr, m->hlen))
		return BST_PARSE_MALFORMED;
	for (size_t i = 0; i < m->hlen; i++) {
		unsigned char c = (unsigned char)m->hdr[i];
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
			return BST_PARSE_MALFORMED;
	}
	const char *p = m->hdr, *blockend = m->hdr + m->hlen;
	while (p < blockend) {
		const char *eol = memchr(p, '\n', (size_t)(blockend - p));
		assert(eol); /* every stored line ends with '\n' */
		const char *hname = p;
		const char *colon = skip_token(p, eol);
		if (colon == hname || colon == eol || *colon != ':')
			return BST_PARSE_MALFORMED; /* also obsolete line folding */
		size_t hnlen = (size_t)(colon - hname);
		const char *v = skip_ows(colon + 1, eol), *vend = eol;
		while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;
		p = eol + 1;
		if (hnlen == 19 && strncasecmp(hname, "Content-Disposition", 19) == 0) {
			if (seen_cd)
				return BST_PARSE_MALFORMED;
			seen_cd = true;
			int rc = parse_disposition(m, v, vend, &name, &filename);
			if (rc != BST_PARSE_OK)
				return rc;
		} else if (hnlen == 12 && strncasecmp(hname, "Content-Type", 12) == 0) {
			if (ctype || v == vend)
				return BST_PARSE_MALFORMED;
			for (const char *s = v; s < vend; s++) {
				if ((unsigned char)*s >= 0x80)
					return BST_PARSE_MALFORMED;
			}
			char *dst = m->strs + m->slen;
			memcpy(dst, v, (size_t)(vend - v));
			dst[vend - v] = '\0';
			m->slen += (size_t)(vend - v) + 1;
			ctype = dst;
		} else if (hnlen == 25 &&
		           strncasecmp(hname, "Content-Transfer-Encoding", 25) == 0) {
			/* deprecated by RFC 7578 §4.7; an actual encoding would
			 * change the meaning of the bytes, so refuse it */
			if (!value_is(v, vend, "binary") && !value_is(v, vend, "8bit") &&
			    !value_is(v, vend, "7bit"))
				return BST_PARSE_MALFORMED;
		}
		/* other headers (RFC 7578 §4.8: ignore them) */
	}
	if (!seen_cd)
		return BST_PARSE_MALFORMED;
	m->st = ST_DATA;
	m->match = 0;
	if (m->cb && m->cb->part_begin)
		return m->cb->part_begin(m->cls, name, filename, ctype);
	return 0;
}

static int delimiter_seen(bst_multipart *m)
{
	bool in_part = m->st == ST_DATA;
	m->st = ST_AFTER_DELIM;
	m->match = 0;
	if (in_part && m->cb && m->cb->part_end)
		return m->cb->part_end(m->cls);
	return 0;
}

/* Preamble or part contents: pass data on until a delimiter matches. */
static int scan(bst_multipart *m, const char *data, size_t len, size_t *pos)
{
	size_t i = *pos;
	int rc = 0;
	while (i < len) {
		if (m->match == 0) {
			const char *cr = memchr(data + i, '\r', len - i);
			size_t stop = cr ? (size_t)(cr - data) : len;
			rc = emit(m, data + i, stop - i);
			i = stop;
			if (rc || !cr)
				break;
			m->match = 1;
			i++;
		} else if (data[i] == m->delim[m->match]) {
			i++;
			if (++m->match == m->delim_len) {
				rc = delimiter_seen(m);
				break;
			}
		} else {
			/* data[i] is examined again with match == 0 */
			rc = emit(m, m->delim, m->match);
			m->match = 0;
			if (rc)
				break;
		}
	}
	*pos = i;
	return rc;
}

/* One byte outside the preamble, part contents and epilogue. */
static int step(bst_multipart *m, char c)
{
	switch (m->st) {
	case ST_AFTER_DELIM:
		if (c == '-')
			m->st = ST_CLOSE_DASH;
		else if (c == ' ' || c == '\t')
			m->st = ST_PADDING;
		else if (c == '\r')
			m->st = ST_DELIM_LF;
		else
			return BST_PARSE_MALFORMED;
		return 0;
	case ST_PADDING:
		if (c == '\r')
			m->st = ST_DELIM_LF;
		else if (c != ' ' && c != '\t')
			return BST_PARSE_MALFORMED;
		return 0;
	case ST_CLOSE_DASH:
		if (c != '-')
			return BST_PARSE_MALFORMED;
		m->st = ST_EPILOGUE;
		return 0;
	case ST_DELIM_LF:
		if (c != '\n')
			return BST_PARSE_MALFORMED;
		if (++m->parts > BST_PARSE_MAX_FIELDS)
			return BST_PARSE_TOO_LARGE;
		m->st = ST_HEADER;
		m->hraw = m->hlen = m->line_start = 0;
		return 0;
	case ST_HEADER:
	case ST_HEADER_LF:
		if (++m->hraw > MULTIPART_MAX_HEADER_BYTES)
			return BST_PARSE_TOO_LARGE;
		if (m->st == ST_HEADER) {
			if (c == '\r')
				m->st = ST_HEADER_LF;
			else if (c == '\n')
				return BST_PARSE_MALFORMED; /* bare LF */
			else
				m->hdr[m->hlen++] = c;
			return 0;
		}
		if (c != '\n')
			return BST_PARSE_MALFORMED; /* bare CR */
		if (m->hlen == m->line_start)
			return headers_done(m);
		m->hdr[m->hlen++] = '\n';
		m->line_start = m->hlen;
		m->st = ST_HEADER;
		return 0;
	default:
		assert(!"step() called in a scanning state");
		return BST_PARSE_MALFORMED;
	}
}

int bst_multipart_feed(bst_multipart *m, const char *data, size_t len)
{
	if (m->st == ST_ERROR)
		return m->err;
	size_t i = 0;
	while (i < len) {
		int rc;
		if (m->st == ST_PREAMBLE || m->st == ST_DATA) {
			rc = scan(m, data, len, &i);
		} else if (m->st == ST_EPILOGUE) {
			i = len;
			rc = 0;
		} else {
			rc = step(m, data[i++]);
		}
		if (rc != 0) {
			m->st = ST_ERROR;
			m->err = rc;
			return rc;
		}
	}
	return BST_PARSE_OK;
}

int bst_multipart_finish(bst_multipart *m)
{
	if (m->st == ST_EPILOGUE)
		return BST_PARSE_OK;
	if (m->st != ST_ERROR) {
		m->st = ST_ERROR;
		m->err = BST_PARSE_MALFORMED;
	}
	return m->err;
}

/* ---- Whole forms ---- */

struct form {
	bst_arena *a;
	bst_kvlist l;
	size_t cap;
	const char *name, *filename;
	char *text; /* MULTIPART_MAX_TEXT_VALUE bytes, allocated on first use */
	size_t tlen;
};

static int form_begin(void *cls, const char *name, const char *filename,
                      const char *content_type)
{
	struct form *f = cls;
	f->name = bst_arena_strdup(f->a, name);
	f->filename = filename ? bst_arena_strdup(f->a, filename) : NULL;
	f->tlen = 0;
	if (!filename && !f->text)
		f->text = bst_arena_alloc(f->a, MULTIPART_MAX_TEXT_VALUE);
	return 0;
}

static int form_data(void *cls, const char *data, size_t len)
{
	struct form *f = cls;
	if (f->filename)
		return 0;
	if (len > MULTIPART_MAX_TEXT_VALUE - f->tlen)
		return BST_PARSE_TOO_LARGE;
	memcpy(f->text + f->tlen, data, len);
	f->tlen += len;
	return 0;
}

static int form_end(void *cls)
{
	struct form *f = cls;
	if (f->filename) {
		bst_kv_push(f->a, &f->l, &f->cap, f->name, f->filename,
		            strlen(f->filename));
		return 0;
	}
	if (!bst_parse_text_valid(f->text, f->tlen))
		return BST_PARSE_MALFORMED;
	bst_kv_push(f->a, &f->l, &f->cap, f->name,
	            bst_arena_strndup(f->a, f->text, f->tlen), f->tlen);
	return 0;
}

int bst_parse_multipart_form(bst_arena *a, const char *content_type, const char *body,
                             size_t len, bst_kvlist *out)
{
	static const struct bst_multipart_cb cb = {form_begin, form_data, form_end};
	char boundary[MULTIPART_MAX_BOUNDARY + 1];
	struct form f = {.a = a};
	bst_multipart *m = NULL;
	int rc;

	*out = (bst_kvlist){0};
	rc = bst_multipart_boundary(content_type, boundary, sizeof boundary);
	if (rc != BST_PARSE_OK)
		goto cleanup;
	m = bst_multipart_new(boundary, &cb, &f);
	if (!m) {
		rc = BST_PARSE_MALFORMED; /* the boundary was checked: only OOM */
		goto cleanup;
	}
	rc = bst_multipart_feed(m, body, len);
	if (rc != BST_PARSE_OK)
		goto cleanup;
	rc = bst_multipart_finish(m);
	if (rc != BST_PARSE_OK)
		goto cleanup;
	*out = f.l;
cleanup:
	bst_multipart_free(m);
	return rc;
}
