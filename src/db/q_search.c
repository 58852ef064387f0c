/* Reading the search index: the FTS5 query translation and the one
 * visibility query (see q_search.h). */
#include "db/q_search.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* Length of the UTF-8 sequence starting at s[0..len) when it is well formed
 * (no overlong form, no surrogate, nothing above U+10FFFF), else 0. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

enum bst_q_search_parse bst_q_search_fts_query(const char *q, size_t len, char *out,
					       size_t outlen)
{
	assert(outlen >= BST_Q_SEARCH_FTS_LEN);
	out[0] = '\0';
	if (len > BST_Q_SEARCH_QUERY_MAX)
		return BST_Q_SEARCH_TOO_LONG;
	const unsigned char *s = (const unsigned char *)q;
	/* first pass: well-formed text, and how many words */
	int words = 0;
	bool in_word = false;
	for (size_t i = 0; i < len;) {
		if (is_space(s[i])) {
			in_word = false;
			i++;
			continue;
		}
		if (s[i] < 0x20 || s[i] == 0x7f)
			return BST_Q_SEARCH_INVALID;
		size_t n = utf8_seq(s + i, len - i);
		if (n == 0)
			return BST_Q_SEARCH_INVALID;
		if (!in_word)
			words++;
		in_word = true;
		i += n;
	}
	if (words == 0)
		return BST_Q_SEARCH_EMPTY;
	if (words > BST_Q_SEARCH_WORDS_MAX)
		return BST_Q_SEARCH_TOO_LONG;
	/* second pass: "word" "word" ..., with '"' doubled inside */
	size_t o = 0;
	in_word = false;
	for (size_t i = 0; i < len; i++) {
		if (is_space(s[i])) {
			if (in_word)
				out[o++] = '"';
			in_word = false;
			continue;
		}
		if (!in_word) {
			if (o > 0)
				out[o++] = ' ';
			out[o++] = '"';
			in_word = true;
		}
		if (s[i] == '"')
			out[o++] = '"';
		out[o++] = (char)s[i];
	}
	if (in_word)
		out[o++] = '"';
	assert(o < BST_Q_SEARCH_FTS_LEN);
	out[o] = '\0';
	return BST_Q_SEARCH_OK;
}

struct hits {
	void (*fn)(void *cls, const struct bst_q_search_hit *h);
	void *cls;
};

/* Text column col of r, "" for SQL NULL. */
static const char *txt(const bst_row *r, int col)
{
	const char *t = bst_row_text(r, col);
	return t ? t : "";
}

static int each_hit(void *cls, const bst_row *r)
{
	struct hits *a = cls;
	struct bst_q_search_hit h = {
	    .kind = txt(r, 0),
	    .ref = bst_row_int(r, 1),
	    .post_id = bst_row_int(r, 2),
	    .at_ms = bst_row_int(r, 3),
	    .name = txt(r, 4),
	    .detail = txt(r, 5),
	    .group_id = bst_row_int(r, 6),
	    .group_name = txt(r, 7),
	    .personal = bst_row_int(r, 8) != 0,
	    .snippet = txt(r, 9),
	};
	a->fn(a->cls, &h);
	return 0;
}

/* Two steps. The candidates: the FTS5 match, newest index rows first
 * (FTS5 walks rowids backwards natively, and a row's rowid grows each time
 * its service puts it again), each joined by primary key to its real row
 * through LEFT JOINs that keep search_index as the outer loop — pp is the
 * publication of a post or of a comment, au the author (or, for kind
 * 'user', the person), g the group of a publication or of a group document,
 * m the searcher's membership of it — and kept only when it passes one of
 * the four visibility branches (a missing real row fails them all), until
 * BST_Q_SEARCH_WINDOW are found. Those are ranked by bm25 (kind and ref
 * are not text: weight 0; a word in the title, a name, counts four times
 * one in the body), then newest first; only the requested page gets its
 * snippet, from the index row found again by rowid. Ranking every match
 * instead costs about 4 µs per match: 1.3 s for a word found in 300,000
 * rows, against 25 ms for the window. */
enum bst_qs bst_q_search(bst_db *db, const char *fts, int64_t user_id, const char *kind,
			 bool documents_on, int64_t offset, int limit,
			 void (*fn)(void *cls, const struct bst_q_search_hit *h),
			 void *cls)
{
	assert(limit > 0 && offset >= 0);
	struct hits a = {fn, cls};
	return bst_db_exec(
	    db,
	    "SELECT h.kind, h.ref, h.post_id, h.at, h.name, h.detail, h.group_id,"
	    " h.group_name, h.personal,"
	    " snippet(search_index, -1, char(1), char(2), '…', 24)"
	    " FROM (SELECT * FROM ("
	    "  SELECT s.rowid AS rid, s.kind AS kind, s.ref AS ref,"
	    "  coalesce(pp.id, 0) AS post_id,"
	    "  CASE s.kind WHEN 'post' THEN pp.created_ms"
	    "   WHEN 'comment' THEN c.created_ms"
	    "   WHEN 'user' THEN au.created_ms ELSE d.updated_ms END AS at,"
	    "  CASE s.kind WHEN 'document' THEN d.name"
	    "   ELSE coalesce(au.name, '') END AS name,"
	    "  CASE s.kind WHEN 'user' THEN au.job_title ELSE '' END AS detail,"
	    "  coalesce(g.id, 0) AS group_id, coalesce(g.name, '') AS group_name,"
	    "  s.kind = 'document' AND d.owner = 'user' AS personal,"
	    "  bm25(search_index, 0.0, 0.0, 4.0, 1.0) AS score"
	    "  FROM search_index s"
	    "  LEFT JOIN comments c ON s.kind = 'comment' AND c.id = s.ref"
	    "  LEFT JOIN posts pp ON pp.id = CASE s.kind WHEN 'post' THEN s.ref"
	    "   WHEN 'comment' THEN c.post_id END"
	    "  LEFT JOIN documents d ON s.kind = 'document' AND d.id = s.ref"
	    "  LEFT JOIN users au ON au.id = CASE s.kind WHEN 'post' THEN pp.author_id"
	    "   WHEN 'comment' THEN c.author_id WHEN 'user' THEN s.ref END"
	    "  LEFT JOIN groups g ON g.id = CASE WHEN s.kind IN ('post', 'comment')"
	    "   THEN pp.group_id WHEN s.kind = 'document' AND d.owner = 'group'"
	    "   THEN d.owner_id END"
	    "  LEFT JOIN group_members m ON m.group_id = g.id AND m.user_id = $2"
	    "   AND m.state = 'member'"
	    "  WHERE search_index MATCH $1 AND ($3 IS NULL OR s.kind = $3) AND ("
	    /* publications and comments */
	    "   (s.kind IN ('post', 'comment') AND pp.id IS NOT NULL"
	    "    AND pp.deleted_ms IS NULL"
	    "    AND (s.kind = 'post' OR (c.id IS NOT NULL AND c.deleted_ms IS NULL))"
	    "    AND (pp.group_id IS NULL OR g.kind = 'open' OR m.user_id IS NOT NULL))"
	    /* people */
	    "   OR (s.kind = 'user' AND au.status = 'active')"
	    /* documents: the application on, not deleted, in a live folder, in
	       the searcher's own space or a group library they may read */
	    "   OR (s.kind = 'document' AND $4 = 1 AND d.id IS NOT NULL"
	    "    AND d.deleted_ms IS NULL"
	    "    AND ((d.owner = 'user' AND d.owner_id = $2)"
	    "     OR (d.owner = 'group' AND (g.kind = 'open' OR m.user_id IS NOT NULL)))"
	    "    AND (d.folder_id IS NULL OR NOT EXISTS ("
	    "     WITH RECURSIVE up(id) AS (SELECT d.folder_id UNION"
	    "      SELECT f.parent_id FROM folders f JOIN up ON f.id = up.id"
	    "      WHERE f.parent_id IS NOT NULL)"
	    "     SELECT 1 FROM up JOIN folders f2 ON f2.id = up.id"
	    "     WHERE f2.deleted_ms IS NOT NULL))))"
	    "  ORDER BY s.rowid DESC LIMIT $7)"
	    " ORDER BY score, at DESC, rid DESC LIMIT $5 OFFSET $6) AS h"
	    /* CROSS JOIN: the page drives, each row found again by rowid */
	    " CROSS JOIN search_index ON search_index.rowid = h.rid"
	    " WHERE search_index MATCH $1"
	    " ORDER BY h.score, h.at DESC, h.rid DESC",
	    (struct bst_qp[]){BST_QP_TEXT(fts), BST_QP_INT(user_id), BST_QP_TEXT(kind),
			      BST_QP_INT(documents_on ? 1 : 0), BST_QP_INT(limit),
			      BST_QP_INT(offset), BST_QP_INT(BST_Q_SEARCH_WINDOW),
			      BST_QP_END},
	    each_hit, &a);
}
