/* Comment actions from the publication's page: POST /posts/{id}/comments
 * comments or replies (parent_id), POST /posts/{id}/comments/{cid} takes
 * action=edit (with body), delete, like or unlike. Each answers with a
 * redirect back to the comment on the publication's page, or an error
 * page. */
#include "web/posts.h"

#include <string.h>

static void create(struct bst_req *r, int64_t post_id)
{
	const char *body = bst_req_arg(r, "body");
	const char *parent = bst_req_arg(r, "parent_id");
	int64_t parent_id = bst_page_id(parent);
	if (parent && parent[0] && !parent_id) {
		bst_page_post_error(r, BST_POST_NOT_FOUND);
		return;
	}
	int64_t id = 0;
	enum bst_post_status st =
	    bst_comment_create(&r->ctx, post_id, parent_id, body ? body : "", &id);
	if (st != BST_POST_OK) {
		bst_page_post_error(r, st);
		return;
	}
	bst_reply_redirect(r, bst_arena_printf(r->arena, "/posts/%lld#comment-%lld",
					       (long long)post_id, (long long)id));
}

static void act(struct bst_req *r, int64_t post_id, int64_t comment_id)
{
	struct bst_ctx *c = &r->ctx;
	struct bst_comment cm;
	enum bst_post_status st = bst_comment_get(c, post_id, comment_id, &cm);
	if (st != BST_POST_OK) {
		bst_page_post_error(r, st);
		return;
	}
	const char *action = bst_req_arg(r, "action");
	const char *back = bst_arena_printf(r->arena, "/posts/%lld#comment-%lld",
					    (long long)post_id, (long long)comment_id);
	if (!action) {
		st = BST_POST_INVALID;
	} else if (strcmp(action, "edit") == 0) {
		const char *body = bst_req_arg(r, "body");
		st = bst_comment_edit(c, comment_id, body ? body : "");
	} else if (strcmp(action, "delete") == 0) {
		st = bst_comment_delete(c, comment_id);
		back = bst_arena_printf(r->arena, "/posts/%lld#comments",
					(long long)post_id);
	} else if (strcmp(action, "like") == 0 || strcmp(action, "unlike") == 0) {
		st = bst_reaction_set(c, "comment", comment_id, BST_REACTION_LIKE,
				      action[0] == 'l', NULL);
	} else {
		st = BST_POST_INVALID;
	}
	if (st != BST_POST_OK) {
		bst_page_post_error(r, st);
		return;
	}
	bst_reply_redirect(r, back);
}

void bst_page_comment(struct bst_req *r)
{
	int64_t post_id = bst_page_id(r->params[0]);
	if (!post_id) {
		bst_page_post_error(r, BST_POST_NOT_FOUND);
		return;
	}
	if (!r->params[1]) {
		create(r, post_id);
		return;
	}
	int64_t comment_id = bst_page_id(r->params[1]);
	if (!comment_id) {
		bst_page_post_error(r, BST_POST_NOT_FOUND);
		return;
	}
	act(r, post_id, comment_id);
}
