/* Queries of the publications feature: posts, their versions and the
 * rows of their attached documents (q_posts.c; the attached documents
 * themselves are read in q_documents.h), comments and theirs (q_comments.c), reactions
 * (q_reactions.c), the feeds and mentions (q_feed.c). Visibility is the
 * service's decision (src/social/posts.c): these queries take the viewer
 * only to say what they ask for (my groups, my reactions). Rows are filled
 * by value except for bodies, which are valid during the callback only
 * (the get functions copy them into the arena given). Thread-safe as the
 * store is. */
#ifndef BST_DB_Q_POSTS_H
#define BST_DB_Q_POSTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/queries.h"
#include "db/store.h"

/* A group's name as stored (groups.h: BST_GROUP_NAME_MAX) plus the NUL. */
#define BST_Q_POST_GROUP_NAME_LEN (100 + 1)

struct bst_post_row {
	int64_t id;
	int64_t author_id;
	char author_name[BST_NAME_MAX + 1];
	char author_email[BST_EMAIL_MAX + 1];
	int64_t group_id; /* 0: the platform-wide feed */
	char group_name[BST_Q_POST_GROUP_NAME_LEN];
	char group_kind[8]; /* "" for the platform feed */
	const char *body;   /* Markdown */
	int64_t created_ms;
	int64_t edited_ms;  /* 0: never */
	int64_t deleted_ms; /* 0: live */
	int64_t deleted_by;
	int64_t pinned_ms; /* 0: not pinned */
	int64_t pinned_by;
	int64_t comments; /* live comments and replies */
	int64_t likes;
	bool liked;          /* by the viewer */
	int64_t attachments; /* rows in post_attachments, whatever the state of
				their documents (0: nothing to look up) */
};

/* An earlier version of a publication or a comment. */
struct bst_version_row {
	int64_t id;
	const char *body; /* valid during the callback */
	int64_t edited_by;
	char editor_name[BST_NAME_MAX + 1];
	int64_t created_ms; /* when it was replaced */
};

/* ---- q_posts.c ---- */

/* group_id 0: the platform feed. */
enum bst_qs bst_q_post_insert(bst_db *db, int64_t author_id, int64_t group_id,
			      const char *body, int64_t now, int64_t *id);
/* One post, deleted or not, with viewer_id's like; its body copied into
 * arena. NO_RESULTS when there is none. */
enum bst_qs bst_q_post_get(bst_db *db, int64_t id, int64_t viewer_id, bst_arena *arena,
			   struct bst_post_row *out);
/* Keeps the current body as a version (edited_by, now), then sets body.
 * Run it in a transaction. NO_RESULTS when the post is gone or deleted. */
enum bst_qs bst_q_post_edit(bst_db *db, int64_t id, const char *body, int64_t edited_by,
			    int64_t now);
/* Soft delete (also unpins). NO_RESULTS when already deleted. */
enum bst_qs bst_q_post_delete(bst_db *db, int64_t id, int64_t by, int64_t now);
/* Pins (by != 0) or unpins (by == 0) a live post. NO_RESULTS when nothing
 * changed (already so, or deleted). */
enum bst_qs bst_q_post_pin(bst_db *db, int64_t id, int64_t by, int64_t now);
/* Earlier versions, newest first. */
enum bst_qs bst_q_post_versions(bst_db *db, int64_t post_id,
				void (*fn)(void *cls, const struct bst_version_row *v),
				void *cls);
/* The ids of the documents attached to a post, whatever their state, in
 * increasing order. */
enum bst_qs bst_q_post_attachment_ids(bst_db *db, int64_t post_id,
				      void (*fn)(void *cls, int64_t document_id),
				      void *cls);
/* Detaches every document from a post. Run it in a transaction, followed
 * by the bst_q_post_attach of the new list. */
enum bst_qs bst_q_post_detach_all(bst_db *db, int64_t post_id);
/* Attaches a document to a post if the document is live (the check and
 * the insert are one statement): ONE_RESULT, or NO_RESULTS when the
 * document is gone, deleted, or already attached. */
enum bst_qs bst_q_post_attach(bst_db *db, int64_t post_id, int64_t document_id);

/* ---- q_comments.c ---- */

struct bst_comment_row {
	int64_t id;
	int64_t post_id;
	int64_t parent_id; /* 0: a comment on the post; else the comment replied to */
	int64_t author_id;
	char author_name[BST_NAME_MAX + 1];
	char author_email[BST_EMAIL_MAX + 1];
	const char *body;
	int64_t created_ms;
	int64_t edited_ms;
	int64_t deleted_ms;
	int64_t deleted_by;
	int64_t likes;
	bool liked;
};

/* parent_id 0: a top comment. */
enum bst_qs bst_q_comment_insert(bst_db *db, int64_t post_id, int64_t parent_id,
				 int64_t author_id, const char *body, int64_t now,
				 int64_t *id);
enum bst_qs bst_q_comment_get(bst_db *db, int64_t id, int64_t viewer_id, bst_arena *arena,
			      struct bst_comment_row *out);
/* A post's comments, deleted ones too when with_deleted. threaded: every
 * top comment followed by its replies, at most limit (after ignored);
 * otherwise by id, id > after, at most limit. */
enum bst_qs bst_q_comment_list(bst_db *db, int64_t post_id, int64_t viewer_id,
			       bool with_deleted, bool threaded, int64_t after, int limit,
			       void (*fn)(void *cls, const struct bst_comment_row *c),
			       void *cls);
/* As bst_q_post_edit, for a comment. */
enum bst_qs bst_q_comment_edit(bst_db *db, int64_t id, const char *body,
			       int64_t edited_by, int64_t now);
enum bst_qs bst_q_comment_delete(bst_db *db, int64_t id, int64_t by, int64_t now);
enum bst_qs bst_q_comment_versions(bst_db *db, int64_t comment_id,
				   void (*fn)(void *cls, const struct bst_version_row *v),
				   void *cls);
/* Removes the search entries of a post's comments (the post was deleted). */
enum bst_qs bst_q_comment_unindex_post(bst_db *db, int64_t post_id);

/* ---- q_reactions.c ---- */

struct bst_reaction_row {
	int64_t seq; /* order of arrival: the cursor */
	int64_t user_id;
	char name[BST_NAME_MAX + 1];
	char kind[8];
	int64_t created_ms;
};

/* target: "post" | "comment". ONE_RESULT when added, NO_RESULTS when it
 * was already there. */
enum bst_qs bst_q_reaction_add(bst_db *db, const char *target, int64_t target_id,
			       int64_t user_id, const char *kind, int64_t now);
/* ONE_RESULT when removed, NO_RESULTS when there was none. */
enum bst_qs bst_q_reaction_remove(bst_db *db, const char *target, int64_t target_id,
				  int64_t user_id, const char *kind);
/* Who reacted, in order of arrival, seq > after, at most limit. */
enum bst_qs bst_q_reaction_list(bst_db *db, const char *target, int64_t target_id,
				int64_t after, int limit,
				void (*fn)(void *cls, const struct bst_reaction_row *r),
				void *cls);
/* Number of reactions and whether viewer_id is among them. */
enum bst_qs bst_q_reaction_count(bst_db *db, const char *target, int64_t target_id,
				 int64_t viewer_id, int64_t *count, bool *mine);

/* ---- q_feed.c ---- */

/* Feeds, newest first, id < before (0: from the newest), at most limit.
 * Deleted posts only when with_deleted; without_pins leaves out the posts
 * pinned in the feed asked for (the page shows them first). */
struct bst_q_feed {
	int64_t viewer_id;
	int64_t before;
	int limit;
	bool with_deleted;
	bool without_pins;
};
/* The platform feed and the groups where viewer_id is a member; only the
 * platform feed's pins count as pins here. */
enum bst_qs bst_q_feed_home(bst_db *db, const struct bst_q_feed *q,
			    void (*fn)(void *cls, const struct bst_post_row *p),
			    void *cls);
/* One feed: group_id 0 is the platform feed. */
enum bst_qs bst_q_feed_group(bst_db *db, int64_t group_id, const struct bst_q_feed *q,
			     void (*fn)(void *cls, const struct bst_post_row *p),
			     void *cls);
/* The live pinned posts of one feed (group_id 0: the platform's), most
 * recently pinned first, at most limit. */
enum bst_qs bst_q_feed_pins(bst_db *db, int64_t group_id, int64_t viewer_id, int limit,
			    void (*fn)(void *cls, const struct bst_post_row *p),
			    void *cls);
/* Live posts newer than since, by others than viewer_id, in the home feed
 * (group_id < 0) or one feed; counted up to cap. -1 on error. */
int64_t bst_q_feed_count_new(bst_db *db, int64_t viewer_id, int64_t group_id,
			     int64_t since, int64_t cap);

/* Mentions of a post (comment_id 0) or of one of its comments. */
struct bst_mention_row {
	int64_t user_id;
	char email[BST_EMAIL_MAX + 1];
	char name[BST_NAME_MAX + 1];
};
/* Replaces the mentions of that text by users[0..n). Run it in a
 * transaction. */
enum bst_qs bst_q_mentions_replace(bst_db *db, int64_t post_id, int64_t comment_id,
				   const int64_t *users, size_t n);
enum bst_qs bst_q_mentions_list(bst_db *db, int64_t post_id, int64_t comment_id,
				void (*fn)(void *cls, const struct bst_mention_row *m),
				void *cls);
/* The users whose e-mail address's local part is local (lower-case): at
 * most two are reported (two means the handle is ambiguous); *out is the
 * first. Returns how many (0, 1, 2) or a negative status. */
enum bst_qs bst_q_user_by_local_part(bst_db *db, const char *local,
				     struct bst_user_row *out);

/* ---- shared by the q_*.c files of this feature, not for services ---- */

/* The columns bst_q_fill_post decodes, FROM posts p with its author u and
 * group g; the viewer (for "liked") is always parameter $1. */
#define BST_Q_POST_COLS                                                                  \
	"p.id, p.author_id, u.name, u.email, coalesce(p.group_id, 0),"                   \
	" coalesce(g.name, ''), coalesce(g.kind, ''), p.body, p.created_ms,"             \
	" coalesce(p.edited_ms, 0), coalesce(p.deleted_ms, 0),"                          \
	" coalesce(p.deleted_by, 0), coalesce(p.pinned_ms, 0),"                          \
	" coalesce(p.pinned_by, 0),"                                                     \
	" p.comment_count, p.like_count,"                                                \
	" EXISTS (SELECT 1 FROM reactions r"                                             \
	" WHERE r.target = 'post' AND r.target_id = p.id AND r.user_id = $1),"           \
	" (SELECT count(*) FROM post_attachments pa WHERE pa.post_id = p.id)"
#define BST_Q_POST_FROM                                                                  \
	"posts p JOIN users u ON u.id = p.author_id"                                     \
	" LEFT JOIN groups g ON g.id = p.group_id"

void bst_q_fill_post(const bst_row *r, struct bst_post_row *p);
struct bst_q_each_post {
	void (*fn)(void *cls, const struct bst_post_row *p);
	void *cls;
};
/* A bst_row_cb over BST_Q_POST_COLS rows; cls is a struct bst_q_each_post. */
int bst_q_each_post_row(void *cls, const bst_row *r);
struct bst_q_each_version {
	void (*fn)(void *cls, const struct bst_version_row *v);
	void *cls;
};
/* A bst_row_cb over (id, body, edited_by, editor name, created_ms) rows. */
int bst_q_each_version_row(void *cls, const bst_row *r);

#endif
