/* GET /operator/backups (HTML) and /operator/backups.json, the operator's
 * "Backups" page: for each platform and the control database, the last
 * successful backup (when, how long ago, size, bytes written, duration),
 * how many are kept on this machine, the last failure after it, and for
 * each off-site target — with its provider and region — the last copy
 * and the last verification read back from it (the weekly restore
 * drill); then the key-store replicas. Rows needing attention say why.
 * Like the health report (src/api/health.c), it is not a platform's page:
 * the pipeline answers it to a request naming no platform's host, from a
 * loopback peer with no X-Forwarded-For (an operator reaches it through
 * an SSH tunnel); anyone else gets the 421 of an unknown host. */
#include "core/clock.h"
#include "core/html.h"
#include "core/i18n.h"
#include "ops/backup_offsite.h"
#include "ops/backup_status.h"
#include "web/pages.h"

#include <stdlib.h>
#include <string.h>

static void event_cell(bst_buf *b, bool has, const struct bst_backup_event *e)
{
	char at[32];
	if (!has) {
		bst_buf_printf(b, "<td>%s</td>", _("never"));
		return;
	}
	bst_backup_status_when(e->at_ms, at);
	bst_buf_printf(b, "<td><time datetime=\"%s\">%s</time> %s", at, at,
		       e->ok ? _("ok") : _("FAILED"));
	if (!e->ok) {
		bst_buf_puts(b, ": ");
		bst_html_txt(b, e->problem);
	} else if (e->backup_id[0]) {
		bst_buf_puts(b, " (");
		bst_html_txt(b, e->backup_id);
		bst_buf_puts(b, ")");
	}
	bst_buf_puts(b, "</td>");
}

static void page(struct bst_req *r, const struct bst_config *cfg,
		 const struct bst_backup_status *v, size_t n)
{
	bst_buf b;
	bst_buf_init(&b);
	int64_t now = bst_now_ms();
	bst_buf_printf(&b,
		       "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width\">"
		       "<title>%s</title></head><body><main><h1>%s</h1>",
		       r->lang, _("Backups"), _("Backups"));
	bst_buf_printf(&b, "<p>%s</p>",
		       cfg->backup_enabled
			   ? _("Daily backups are on.")
			   : _("Daily backups are off ([backup] enabled)."));
	/* where copies go */
	bst_buf_printf(&b, "<h2>%s</h2>", _("Off-site targets"));
	if (!cfg->n_targets)
		bst_buf_printf(&b, "<p>%s</p>", _("None: backups stay on this machine."));
	else
		bst_buf_printf(
		    &b,
		    "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th "
		    "scope=\"col\">%s</th></tr></thead><tbody>",
		    _("Target"), _("Provider"), _("Region"), _("Address"));
	for (size_t i = 0; i < cfg->n_targets; i++) {
		const struct bst_target_conf *t = &cfg->targets[i];
		bst_buf_puts(&b, "<tr><th scope=\"row\">");
		bst_html_txt(&b, t->name);
		bst_buf_puts(&b, "</th><td>");
		bst_html_txt(&b, t->provider);
		bst_buf_puts(&b, "</td><td>");
		bst_html_txt(&b, t->region);
		bst_buf_puts(&b, "</td><td>");
		bst_html_txt(&b, t->url);
		bst_buf_puts(&b, "</td></tr>");
	}
	if (cfg->n_targets)
		bst_buf_puts(&b, "</tbody></table>");
	/* what each scope did */
	bst_buf_printf(&b, "<h2>%s</h2>", _("Platforms"));
	for (size_t i = 0; i < n; i++) {
		const struct bst_backup_status *s = &v[i];
		bool keys = strcmp(s->scope, BST_OFFSITE_KEYS_DIR) == 0;
		char reason[600], at[32];
		bool alarm = bst_backup_status_alarm(s, cfg, now, reason, sizeof reason);
		bst_buf_printf(&b, "<section class=\"%s\"><h3>", alarm ? "alarm" : "ok");
		if (keys)
			bst_buf_puts(&b, _("Key store replicas"));
		else if (strcmp(s->scope, "_control") == 0)
			bst_buf_puts(&b, _("Control database"));
		else
			bst_html_txt(&b, s->scope);
		bst_buf_puts(&b, "</h3>");
		if (alarm) {
			bst_buf_printf(&b, "<p role=\"alert\"><strong>%s</strong> ",
				       _("Attention:"));
			bst_html_txt(&b, reason);
			bst_buf_puts(&b, "</p>");
		}
		if (!keys) {
			bst_buf_puts(&b, "<dl>");
			bst_buf_printf(&b, "<dt>%s</dt><dd>", _("Last backup"));
			if (s->has_backup) {
				bst_backup_status_when(s->backup.at_ms, at);
				bst_buf_printf(
				    &b,
				    "<time datetime=\"%s\">%s</time> (%.1f h), %.1f MB, "
				    "%.1f MB %s, %.1f s",
				    at, at, (double)(now - s->backup.at_ms) / 3.6e6,
				    (double)s->backup.size / 1e6,
				    (double)s->backup.written / 1e6, _("written"),
				    (double)s->backup.duration_ms / 1000);
			} else {
				bst_buf_puts(&b, _("never"));
			}
			bst_buf_printf(&b, "</dd><dt>%s</dt><dd>%zu</dd>",
				       _("Kept on this machine"), s->n_local);
			if (s->has_failure) {
				bst_buf_printf(&b, "<dt>%s</dt><dd>", _("Last failure"));
				bst_backup_status_when(s->failure.at_ms, at);
				bst_buf_printf(&b, "%s: ", at);
				bst_html_txt(&b, s->failure.problem);
				bst_buf_puts(&b, "</dd>");
			}
			if (s->has_verify) {
				bst_buf_printf(&b, "<dt>%s</dt><dd>",
					       _("Last verification"));
				bst_backup_status_when(s->verify.at_ms, at);
				bst_buf_printf(&b, "%s %s</dd>", at,
					       s->verify.ok ? _("ok") : _("FAILED"));
			}
			bst_buf_puts(&b, "</dl>");
		}
		if (cfg->n_targets) {
			bst_buf_printf(&b,
				       "<table><thead><tr><th scope=\"col\">%s</th><th "
				       "scope=\"col\">%s</th>",
				       _("Target"),
				       keys ? _("Last replication") : _("Last copy"));
			if (!keys)
				bst_buf_printf(&b, "<th scope=\"col\">%s</th>",
					       _("Last verification"));
			bst_buf_puts(&b, "</tr></thead><tbody>");
			for (size_t j = 0; j < cfg->n_targets; j++) {
				const struct bst_backup_status_target *t = &s->targets[j];
				bst_buf_puts(&b, "<tr><th scope=\"row\">");
				bst_html_txt(&b, cfg->targets[j].name);
				bst_buf_puts(&b, " (");
				bst_html_txt(&b, cfg->targets[j].region);
				bst_buf_puts(&b, ")</th>");
				event_cell(&b, t->has_copy, &t->copy);
				if (!keys)
					event_cell(&b, t->has_verify, &t->verify);
				bst_buf_puts(&b, "</tr>");
			}
			bst_buf_puts(&b, "</tbody></table>");
		}
		bst_buf_puts(&b, "</section>");
	}
	bst_buf_puts(&b, "</main></body></html>");
	bst_reply_html(r, 200, &b);
	bst_buf_free(&b);
}

static json_t *event_json(bool has, const struct bst_backup_event *e)
{
	if (!has)
		return json_null();
	char at[40];
	bst_time_format_iso(e->at_ms, at, sizeof at);
	return json_pack("{ss sb ss ss sI sI sI}", "at", at, "ok", e->ok, "backup",
			 e->backup_id, "problem", e->problem, "size", (json_int_t)e->size,
			 "written", (json_int_t)e->written, "duration_ms",
			 (json_int_t)e->duration_ms);
}

static void as_json(struct bst_req *r, const struct bst_config *cfg,
		    const struct bst_backup_status *v, size_t n)
{
	json_t *targets = json_array(), *scopes = json_array();
	for (size_t i = 0; i < cfg->n_targets; i++)
		json_array_append_new(targets, json_pack("{ss ss ss ss}", "name",
							 cfg->targets[i].name, "provider",
							 cfg->targets[i].provider,
							 "region", cfg->targets[i].region,
							 "url", cfg->targets[i].url));
	int64_t now = bst_now_ms();
	for (size_t i = 0; i < n; i++) {
		const struct bst_backup_status *s = &v[i];
		char reason[600];
		bool alarm = bst_backup_status_alarm(s, cfg, now, reason, sizeof reason);
		json_t *per = json_object();
		for (size_t j = 0; j < cfg->n_targets; j++)
			json_object_set_new(per, cfg->targets[j].name,
					    json_pack("{so so}", "copy",
						      event_json(s->targets[j].has_copy,
								 &s->targets[j].copy),
						      "verify",
						      event_json(s->targets[j].has_verify,
								 &s->targets[j].verify)));
		json_array_append_new(
		    scopes,
		    json_pack("{ss so so so sI sb ss? so}", "scope", s->scope,
			      "last_backup", event_json(s->has_backup, &s->backup),
			      "last_failure", event_json(s->has_failure, &s->failure),
			      "last_verification", event_json(s->has_verify, &s->verify),
			      "kept_here", (json_int_t)s->n_local, "attention", alarm,
			      "reason", alarm ? reason : NULL, "targets", per));
	}
	bst_reply_json(r, 200,
		       json_pack("{sb so so}", "enabled", cfg->backup_enabled, "targets",
				 targets, "scopes", scopes));
}

void bst_web_operator_backups(struct bst_req *r, bool json)
{
	struct bst_backup_status *v = NULL;
	size_t n = 0;
	if (bst_backup_status_get(r->ctx.install, r->ctx.config, &v, &n) != 0) {
		bst_reply_error(r, 500, "internal",
				_("The control database cannot be read."));
		return;
	}
	if (json)
		as_json(r, r->ctx.config, v, n);
	else
		page(r, r->ctx.config, v, n);
	free(v);
}
