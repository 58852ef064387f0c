/* /settings/tokens: the user's personal access tokens for the API and
 * scripts: the list, a form to create one (shown once, on the answer to
 * that form), and POST /settings/tokens/{id}/revoke. */
#include "web/pages.h"
#include "auth/token.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The service's limit on a token's name (token.c). */
#define TOKEN_NAME_MAX 100

struct list {
	struct bst_req *r;
	bst_buf *b;
	int n;
};

static void time_cell(bst_buf *b, int64_t ms, const char *none)
{
	char when[64];
	bst_buf_puts(b, "<td>");
	if (ms) {
		bst_i18n_datetime(ms, when, sizeof when);
		bst_html_txt(b, when);
	} else {
		bst_html_txt(b, none);
	}
	bst_buf_puts(b, "</td>");
}

static void row(void *cls, const struct bst_token_row *t)
{
	struct list *l = cls;
	struct bst_req *r = l->r;
	bst_buf *b = l->b;
	int64_t now = r->ctx.now;
	bool expired = t->expires_ms && t->expires_ms <= now;
	l->n++;
	bst_buf_puts(b, "<tr><th scope=\"row\">");
	bst_html_txt(b, t->name);
	bst_buf_printf(b, "</th><td>%s</td>",
		       strcmp(t->scope, "read-write") == 0 ? _("read and write") : _("read only"));
	time_cell(b, t->created_ms, "");
	time_cell(b, t->expires_ms, _("never"));
	time_cell(b, t->last_used_ms, _("never"));
	bst_buf_puts(b, "<td>");
	if (t->revoked_ms) {
		bst_html_txt(b, _("Revoked"));
	} else if (expired) {
		bst_html_txt(b, _("Expired"));
	} else {
		char action[64];
		snprintf(action, sizeof action, "/settings/tokens/%lld/revoke", (long long)t->id);
		bst_html_txt(b, _("Active"));
		bst_form_begin(r, b, action);
		bst_buf_printf(b, "<button type=\"submit\">%s</button></form>", _("Revoke"));
	}
	bst_buf_puts(b, "</td></tr>");
}

/* The page; fresh is the token just created (shown once), or NULL. */
static void render(struct bst_req *r, int status, const char *error, const char *fresh)
{
	struct bst_ctx *c = &r->ctx;
	bst_buf b;
	bst_buf_init(&b);
	bst_page_begin(r, &b, _("Access tokens"));
	if (error)
		bst_page_notice(&b, "error", error);
	if (fresh) {
		bst_page_notice(&b, "ok", _("Your token is created."));
		bst_buf_printf(&b, "<div class=\"once\"><p><strong>%s</strong></p><p><code class=\"secret\">",
			       _("Copy it now: it is shown only this once. Keep it as secret as a "
				 "password."));
		bst_html_txt(&b, fresh);
		bst_buf_puts(&b, "</code></p></div>");
	}
	bst_buf_printf(&b, "<p>%s</p>",
		       _("A personal access token lets a script use the API in your name: send it "
			 "in the header “Authorization: Bearer …”. Revoke any token you no longer "
			 "use."));
	bst_buf b_rows;
	bst_buf_init(&b_rows);
	struct list l = {r, &b_rows, 0};
	if (bst_q_token_list(c->platform->main, c->user.id, row, &l) < 0) {
		bst_buf_free(&b_rows);
		bst_buf_free(&b);
		bst_reply_error(r, 500, "internal", _("Something went wrong on our side."));
		return;
	}
	if (l.n == 0) {
		bst_buf_printf(&b, "<p>%s</p>", _("You have no tokens."));
	} else {
		bst_buf_printf(&b, "<table><caption>%s</caption><thead><tr>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
				   "</tr></thead><tbody>",
			       _("Your tokens"), _("Name"), _("Scope"), _("Created"), _("Expires"),
			       _("Last used"), _("State"));
		bst_buf_puts(&b, bst_buf_str(&b_rows));
		bst_buf_puts(&b, "</tbody></table>");
	}
	bst_buf_free(&b_rows);

	bst_buf_printf(&b, "<section aria-labelledby=\"h-new\"><h2 id=\"h-new\">%s</h2>",
		       _("Create a token"));
	bst_form_begin(r, &b, "/settings/tokens");
	bst_page_field(&b, "text", "name", _("Name (what it is for)"), NULL,
		       "maxlength=\"100\" required");
	bst_buf_printf(&b, "<fieldset><legend>%s</legend>"
			   "<p><input type=\"radio\" id=\"f-scope-read\" name=\"scope\" value=\"read\" checked>"
			   "<label for=\"f-scope-read\">%s</label></p>"
			   "<p><input type=\"radio\" id=\"f-scope-rw\" name=\"scope\" value=\"read-write\">"
			   "<label for=\"f-scope-rw\">%s</label></p></fieldset>",
		       _("Scope"), _("Read only"), _("Read and write"));
	bst_page_field(&b, "number", "expires_days",
		       _("Expiry in days (empty: never)"), NULL,
		       "min=\"1\" max=\"3650\" inputmode=\"numeric\"");
	bst_buf_printf(&b, "<p><button type=\"submit\">%s</button></p></form></section>",
		       _("Create the token"));
	bst_buf_printf(&b, "<p><a href=\"/settings\">%s</a></p>", _("Back to my account"));
	bst_page_end(r, &b);
	bst_reply_html(r, status, &b);
}

static void create(struct bst_req *r)
{
	const char *name = bst_req_arg(r, "name");
	const char *scope = bst_req_arg(r, "scope");
	const char *days_s = bst_req_arg(r, "expires_days");
	if (!name || !name[0] || strlen(name) > TOKEN_NAME_MAX) {
		render(r, 400, _("Give the token a name of 1 to 100 characters."), NULL);
		return;
	}
	if (!scope || (strcmp(scope, "read") != 0 && strcmp(scope, "read-write") != 0)) {
		render(r, 400, _("Choose a scope: read only, or read and write."), NULL);
		return;
	}
	long long days = 0;
	if (days_s && days_s[0]) {
		char *end;
		days = strtoll(days_s, &end, 10);
		if (*end || days < 1 || days > BST_PAT_MAX_DAYS) {
			render(r, 400, _("The expiry must be a number of days from 1 to 3650, or empty."),
			       NULL);
			return;
		}
	}
	char token[BST_PAT_CHARS + 1];
	int64_t id = 0;
	enum bst_account_status st = bst_pat_create(&r->ctx, 0, name, scope, days, token, &id);
	if (st != BST_ACC_OK) {
		render(r, bst_account_http_status(st), _(bst_account_text(st)), NULL);
		return;
	}
	render(r, 200, NULL, token);
	sodium_memzero(token, sizeof token);
}

static void revoke(struct bst_req *r)
{
	char *end = NULL;
	long long id = strtoll(r->params[0], &end, 10);
	if (!r->params[0][0] || *end || id <= 0) {
		bst_reply_error(r, 404, "token_not_found", _("There is no such token."));
		return;
	}
	enum bst_account_status st = bst_pat_revoke(&r->ctx, id);
	if (st == BST_ACC_NOT_FOUND) {
		bst_reply_error(r, 404, "token_not_found",
				_("There is no such token, or it was already revoked."));
		return;
	}
	if (st != BST_ACC_OK) {
		bst_reply_error(r, bst_account_http_status(st), bst_account_code(st),
				_(bst_account_text(st)));
		return;
	}
	bst_reply_redirect(r, "/settings/tokens?notice=token-revoked");
}

void bst_page_tokens(struct bst_req *r)
{
	if (strcmp(r->method, "POST") != 0) {
		render(r, 200, NULL, NULL);
		return;
	}
	if (r->params[0])
		revoke(r);
	else
		create(r);
}
