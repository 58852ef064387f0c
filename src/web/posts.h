/* Pages of the publications feature: the home feed (home.c, feed.c), a
 * group's page with its feed (group.c), a publication with its comments
 * and reactions (post.c), its edit form and earlier versions
 * (post_edit.c), and the comment actions (comment.c); with the pieces they
 * share: a publication's card, the publishing form, the feed section and
 * its pager. The service (social/posts.h) decides; these pages parse,
 * call it and render. Handlers run on the request's thread. */
#ifndef BST_WEB_POSTS_H
#define BST_WEB_POSTS_H
#include "social/posts.h"
#include "web/pages.h"

/* The positive id in s, or 0. */
int64_t bst_page_id(const char *s);

/* Answers a refusal of the posts service as an error page. */
void bst_page_post_error(struct bst_req *r, enum bst_post_status st);

/* A publication's card: author, feed (when show_feed), time, state, the
 * rendered text, likes and comments; its actions when with_actions. */
void bst_page_post_card(struct bst_req *r, bst_buf *b, const struct bst_post *p,
			bool show_feed, bool with_actions);

/* The boxes of documents to attach in a publishing or edit form
 * (feed.c): post's current attachments that ctx may open (post NULL:
 * none), then what bst_post_attach_choices offers in feed; the ids in
 * checked[0..n_checked) are ticked (checked NULL: the current
 * attachments). A hidden field "attachments_field" says the boxes were
 * there. Nothing when there is nothing to offer. */
void bst_page_attach_field(struct bst_req *r, bst_buf *b, int64_t feed,
			   const struct bst_post_row *post, const int64_t *checked,
			   size_t n_checked);
/* The ids ticked in a posted form's "attachment" boxes (what is not an id
 * reads as -1, which the service refuses), in the request's arena; NULL
 * when the form carried no boxes (then nothing changes). *n is set. */
const int64_t *bst_page_attach_args(struct bst_req *r, size_t *n);

/* The "where to come back" field of a form posted from this page. */
void bst_page_next_field(struct bst_req *r, bst_buf *b);

/* The feed part of a page (feed.c): the new-publications indicator, the
 * publishing form (when fa.write; draft and error fill it again after a
 * refusal), the pins (first page), the publications (?before= cursor),
 * and the pager. feed: BST_FEED_HOME, or a group id. Returns 0, or -1
 * after answering an error. */
int bst_page_feed_section(struct bst_req *r, bst_buf *b, int64_t feed,
			  const struct bst_feed_access *fa, const char *draft,
			  const char *error);

/* The home page with the publishing form refilled (home.c). */
void bst_page_home_render(struct bst_req *r, int status, const char *draft,
			  const char *error);
/* A group's page with the publishing form refilled (group.c). */
void bst_page_group_render(struct bst_req *r, int64_t group_id, int status,
			   const char *draft, const char *error);

void bst_page_publish(struct bst_req *r);   /* feed.c      POST /posts */
void bst_page_group(struct bst_req *r);     /* group.c     GET /groups/{id} */
void bst_page_post(struct bst_req *r);      /* post.c      GET|POST /posts/{id} */
void bst_page_post_edit(struct bst_req *r); /* post_edit.c GET|POST /posts/{id}/edit */
void bst_page_comment(
    struct bst_req *r); /* comment.c   POST /posts/{id}/comments[/{cid}] */

#endif
