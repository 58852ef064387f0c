/* Publications, comments, reactions, feeds and mentions: the service the
 * feed, group and publication pages and the posts API call. It decides
 * who may do what, keeps earlier versions, audits edits, deletions and
 * pins, keeps the search index and the mentions in step, and notifies.
 *
 * Rules. A publication goes to the platform-wide feed (group_id 0: every
 * active user of the platform reads it and may publish there) or to a
 * group (bst_group_access: read to read; write, that is membership, to
 * publish, comment and react; manage to moderate). Taking part in a
 * conversation (comment, reply, like) needs the same right as publishing
 * in its feed. Authors edit their own texts; authors and moderators (the
 * group's managers, the platform's administrators for the platform feed)
 * delete them; moderators pin. Earlier versions are shown to the author
 * and to platform administrators only. Deletion is soft: a deleted text
 * is gone for everyone but platform administrators, who see it marked.
 * Anything ctx may not read answers NOT_FOUND, exactly as what does not
 * exist, so that nothing of a secret or private group leaks. Mentions
 * (@ and the local part of a platform user's e-mail address, unambiguous)
 * are resolved at write time for the people who may read the text, and
 * only those are notified.
 *
 * Attachments. A publication may carry up to BST_POST_ATTACHMENTS_MAX
 * documents of the document base, so that every reader of the publication
 * can read them: one in a group, documents of THAT group's library only;
 * one in the platform feed, documents of open groups' libraries only;
 * never a document of a personal space. Each must be live (not deleted)
 * and one the author may read by the documents service's rules
 * (bst_doc_get). The author chooses them when publishing and when editing;
 * anything else is refused (ATTACHMENT_NOT_FOUND, ATTACHMENT_ELSEWHERE,
 * TOO_MANY_ATTACHMENTS: 400) and the publication is stored with its
 * attachments in one transaction. A change of attachments is an edit: the
 * text is kept as a version and the audit event post.edit carries the
 * lists before and after. Readers see, at each reading, only the attached
 * documents that are live and that they may read now: a document deleted
 * or out of their reach since simply drops out of the list. When the
 * Documents application is off, attachments are neither shown nor
 * accepted (ATTACHMENTS_OFF); the stored rows stay, and come back with the
 * application. Thread-safe; every call runs on ctx's thread and allocates
 * in ctx->arena. */
#ifndef BST_SOCIAL_POSTS_H
#define BST_SOCIAL_POSTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/markdown.h"
#include "db/q_documents.h"
#include "db/q_posts.h"
#include "tenant/context.h"

/* Bytes of Markdown in a publication or a comment. */
#define BST_POST_BODY_MAX    BST_MARKDOWN_MAX_INPUT
#define BST_COMMENT_BODY_MAX BST_MARKDOWN_MAX_INPUT
/* Page sizes. The listing functions accept one more than these, so that
 * a caller can tell whether another page follows. */
/* Publications per page of a feed. */
#define BST_FEED_PAGE_DEFAULT 20
#define BST_FEED_PAGE_MAX     100
/* Pinned publications shown before a feed. */
#define BST_FEED_PINS_MAX 10
/* Comments shown under a publication on its page. */
#define BST_COMMENTS_PAGE_MAX 500
/* "N new publications" counts up to this. */
#define BST_FEED_NEW_CAP 99
/* The home feed in bst_feed_* calls (group ids are positive; 0 is the
 * platform feed). */
#define BST_FEED_HOME (-1)
/* Documents one publication may carry: a handful to read along with the
 * text, not a library (issue 3's brief). */
#define BST_POST_ATTACHMENTS_MAX 10
/* Documents offered in a publishing or edit form: the most recent ones;
 * the API takes any document that passes the rule. */
#define BST_POST_ATTACH_CHOICES_MAX 50

enum bst_post_status {
	BST_POST_OK = 0,
	BST_POST_NOT_FOUND,       /* no such text, or one ctx may not read */
	BST_POST_GROUP_NOT_FOUND, /* no such group, or one ctx may not read */
	BST_POST_FORBIDDEN,       /* ctx may read but not do this */
	BST_POST_DELETED,         /* the text was deleted: it cannot change */
	BST_POST_EMPTY,
	BST_POST_TOO_LARGE,
	BST_POST_TOO_DEEP,
	BST_POST_TOO_COMPLEX,
	BST_POST_INVALID,              /* a malformed argument (reaction kind, ...) */
	BST_POST_ATTACHMENT_NOT_FOUND, /* no such live document that ctx may read */
	BST_POST_ATTACHMENT_ELSEWHERE, /* a document the rule does not allow here */
	BST_POST_TOO_MANY_ATTACHMENTS,
	BST_POST_ATTACHMENTS_OFF, /* the Documents application is off */
	BST_POST_ERROR,           /* the store failed */
};
/* A stable code ("post_not_found"), an English msgid, the HTTP status. */
const char *bst_post_code(enum bst_post_status s);
const char *bst_post_text(enum bst_post_status s);
int bst_post_http_status(enum bst_post_status s);

/* What ctx may do in a feed (group_id 0: the platform's). */
struct bst_feed_access {
	bool read;
	bool write;    /* publish, comment, react */
	bool moderate; /* delete others' texts, pin */
	bool admin;    /* a platform administrator: sees deleted texts and versions */
	char group_name[BST_Q_POST_GROUP_NAME_LEN]; /* "" for the platform feed */
	char group_kind[8];
};
/* OK; GROUP_NOT_FOUND when the group does not exist for ctx; FORBIDDEN
 * when ctx sees the group but may not read it (fa is filled anyway). */
enum bst_post_status bst_feed_access(struct bst_ctx *ctx, int64_t group_id,
				     struct bst_feed_access *fa);

/* A publication as ctx sees it. */
struct bst_post {
	struct bst_post_row row; /* body in ctx->arena */
	bool can_edit;
	bool can_delete;
	bool can_pin;
	bool can_take_part; /* comment, reply, like */
	bool can_see_versions;
};

/* ---- posts.c ---- */

/* Publishes body (Markdown, checked) to group_id (0: the platform feed).
 * *id is the new post's (0 on failure). */
enum bst_post_status bst_post_create(struct bst_ctx *ctx, int64_t group_id,
				     const char *body, int64_t *id);
/* The same, with the documents attachments[0..n) (ids; a repeated id
 * counts once; attachments may be NULL when n is 0), checked against the
 * rule above. */
enum bst_post_status bst_post_create_with(struct bst_ctx *ctx, int64_t group_id,
					  const char *body, const int64_t *attachments,
					  size_t n, int64_t *id);
enum bst_post_status bst_post_get(struct bst_ctx *ctx, int64_t id, struct bst_post *out);
/* The author replaces the text; the previous one becomes a version.
 * Audited (post.edit). */
enum bst_post_status bst_post_edit(struct bst_ctx *ctx, int64_t id, const char *body);
/* The author replaces the text (body NULL: unchanged) and/or the attached
 * documents (attachments NULL: unchanged; else the whole new list, n may
 * be 0 to detach everything; ignored when empty while the Documents
 * application is off). When either changes, the previous text becomes a
 * version, and post.edit is audited with "attachments_before" and
 * "attachments_after" when the list changed. */
enum bst_post_status bst_post_edit_with(struct bst_ctx *ctx, int64_t id, const char *body,
					const int64_t *attachments, size_t n);
/* The documents attached to p that ctx may read now, live ones only, by
 * name: fn gets each (valid during the call). Nothing when the Documents
 * application is off. OK, or ERROR when the store failed. */
enum bst_post_status
bst_post_attachments(struct bst_ctx *ctx, const struct bst_post_row *p,
		     void (*fn)(void *cls, const struct bst_document_row *d), void *cls);
/* What a form offers to attach to a publication in feed (a group id; 0
 * for the platform feed; BST_FEED_HOME for the home page's form, which
 * offers what the platform feed may carry): the most recently added
 * documents the rule allows there and ctx may read, at most
 * BST_POST_ATTACH_CHOICES_MAX. fn also gets the name of the group whose
 * library holds each. Nothing when the Documents application is off or
 * ctx may not publish there. */
enum bst_post_status bst_post_attach_choices(struct bst_ctx *ctx, int64_t feed,
					     void (*fn)(void *cls,
							const struct bst_document_row *d,
							const char *group_name),
					     void *cls);
/* Soft delete by the author or a moderator. Audited (post.delete). */
enum bst_post_status bst_post_delete(struct bst_ctx *ctx, int64_t id);
/* Moderators pin or unpin (idempotent). Audited (post.pin, post.unpin). */
enum bst_post_status bst_post_pin(struct bst_ctx *ctx, int64_t id, bool pinned);
/* Earlier versions, newest first: the author and platform administrators. */
enum bst_post_status
bst_post_versions(struct bst_ctx *ctx, int64_t id,
		  void (*fn)(void *cls, const struct bst_version_row *v), void *cls);
/* Appends the HTML of a post's text, its mentions as links to profiles. */
void bst_post_render(struct bst_ctx *ctx, const struct bst_post_row *p, bst_buf *out);

/* ---- comments.c ---- */

/* A comment as ctx sees it. */
struct bst_comment {
	struct bst_comment_row row;
	bool can_edit;
	bool can_delete;
	bool can_reply;
	bool can_see_versions;
};

/* Comments post_id; parent_id != 0 replies to that comment (a reply to a
 * reply goes to the comment it replies to: one level). Notifies the
 * post's author (comment) or the parent's author (reply), and mentions. */
enum bst_post_status bst_comment_create(struct bst_ctx *ctx, int64_t post_id,
					int64_t parent_id, const char *body, int64_t *id);
/* The comment of post_id (post_id 0: whichever), if ctx may read it. */
enum bst_post_status bst_comment_get(struct bst_ctx *ctx, int64_t post_id,
				     int64_t comment_id, struct bst_comment *out);
/* Audited (comment.edit, comment.delete). */
enum bst_post_status bst_comment_edit(struct bst_ctx *ctx, int64_t comment_id,
				      const char *body);
enum bst_post_status bst_comment_delete(struct bst_ctx *ctx, int64_t comment_id);
enum bst_post_status
bst_comment_versions(struct bst_ctx *ctx, int64_t comment_id,
		     void (*fn)(void *cls, const struct bst_version_row *v), void *cls);
/* A post's comments ctx may read: threaded (each top comment then its
 * replies; at most limit) or by id after `after`. */
enum bst_post_status bst_comment_list(struct bst_ctx *ctx, int64_t post_id, bool threaded,
				      int64_t after, int limit,
				      void (*fn)(void *cls, const struct bst_comment *c),
				      void *cls);
void bst_comment_render(struct bst_ctx *ctx, const struct bst_comment_row *c,
			bst_buf *out);

/* ---- reactions.c ---- */

#define BST_REACTION_LIKE      "like"
#define BST_REACTIONS_PAGE_MAX 100

/* Adds (on) or removes ctx's reaction of kind to a post or a comment
 * (target "post" | "comment"); idempotent. *changed (may be NULL) says
 * whether anything changed. */
enum bst_post_status bst_reaction_set(struct bst_ctx *ctx, const char *target,
				      int64_t target_id, const char *kind, bool on,
				      bool *changed);
/* Who reacted, in order, seq > after, at most limit. */
enum bst_post_status
bst_reaction_list(struct bst_ctx *ctx, const char *target, int64_t target_id,
		  int64_t after, int limit,
		  void (*fn)(void *cls, const struct bst_reaction_row *r), void *cls);

/* ---- feed.c ---- */

/* A feed: BST_FEED_HOME (the platform feed and ctx's groups), 0 (the
 * platform feed) or a group; newest first, id < before (0: the newest), at
 * most limit. without_pins leaves out what bst_feed_pins shows. */
enum bst_post_status bst_feed_list(struct bst_ctx *ctx, int64_t feed, int64_t before,
				   int limit, bool without_pins,
				   void (*fn)(void *cls, const struct bst_post *p),
				   void *cls);
/* The feed's pinned publications (the home feed's are the platform's). */
enum bst_post_status bst_feed_pins(struct bst_ctx *ctx, int64_t feed,
				   void (*fn)(void *cls, const struct bst_post *p),
				   void *cls);
/* Live publications newer than since in the feed, by others than ctx
 * (counted up to BST_FEED_NEW_CAP). */
enum bst_post_status bst_feed_count_new(struct bst_ctx *ctx, int64_t feed, int64_t since,
					int64_t *count);

/* ---- mentions.c (for the files of this service) ---- */

/* Resolves the mentions of a text of post_id (comment_id 0: the post
 * itself) in feed group_id, stores them and notifies those newly
 * mentioned. Runs inside the caller's transaction. */
enum bst_qs bst_mentions_update(struct bst_ctx *ctx, int64_t group_id, int64_t post_id,
				int64_t comment_id, const char *body);
/* May user_id read feed group_id? (For notifications.) */
bool bst_mentions_can_read(struct bst_ctx *ctx, int64_t user_id, int64_t group_id);
/* Renders body with its stored mentions as links to /people/{id}. */
void bst_mentions_render(struct bst_ctx *ctx, int64_t post_id, int64_t comment_id,
			 const char *body, bst_buf *out);

/* ---- shared by the files of this service ---- */

/* Checks a text: OK, or EMPTY / TOO_LARGE / TOO_DEEP / TOO_COMPLEX. */
enum bst_post_status bst_post_check_body(const char *body, size_t max);
/* ctx's user id when ctx is an active user, else 0. */
int64_t bst_post_actor(const struct bst_ctx *ctx);
/* A platform administrator (reading: whatever the token's scope). */
bool bst_post_platform_admin(const struct bst_ctx *ctx);
/* The post id as ctx may know it, with ctx's access to its feed:
 * NOT_FOUND for what ctx may not read, and for deleted posts except to
 * platform administrators. */
enum bst_post_status bst_post_load(struct bst_ctx *ctx, int64_t id, struct bst_post *p,
				   struct bst_feed_access *fa);
/* Fills what ctx may do with a post, given its feed access. */
void bst_post_decide(const struct bst_ctx *ctx, const struct bst_feed_access *fa,
		     struct bst_post *p);

#endif
