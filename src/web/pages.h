/* Server-rendered pages: the shared layout (layout.c) and one handler per
 * page file. Pages work without JavaScript; static/app.js only enhances.
 * All text goes through gettext, all user data through the escaping
 * helpers of core/html.h. Handlers run on the request's thread. */
#ifndef BST_WEB_PAGES_H
#define BST_WEB_PAGES_H
#include "core/html.h"
#include "core/i18n.h"
#include "http/request.h"

/* ---- operator_backups.c: not a platform's page (see the file) ---- */
void bst_web_operator_backups(struct bst_req *r, bool json);

/* ---- layout.c ---- */
/* <!doctype html> ... <main id="main">; title is plain text. */
void bst_page_begin(struct bst_req *r, bst_buf *b, const char *title);
/* </main> ... </html> */
void bst_page_end(struct bst_req *r, bst_buf *b);
/* <form method="post" action="ACTION" ...> with the CSRF field. */
void bst_form_begin(struct bst_req *r, bst_buf *b, const char *action);
/* The CSRF token for this request's forms (sets the pre-session cookie
 * when there is no session yet). */
const char *bst_page_csrf(struct bst_req *r);
/* A status message box: kind "ok" | "error" | "info"; text is plain. */
void bst_page_notice(bst_buf *b, const char *kind, const char *text);
/* Notices named in ?notice= after a redirect (a fixed list: nothing from
 * the address is echoed). */
void bst_page_flash(struct bst_req *r, bst_buf *b);
void bst_page_error(struct bst_req *r, int status, const char *code, const char *message);
void bst_page_maintenance(struct bst_req *r);
/* A labelled input: type, name, label, value (may be NULL), extra attributes
 * (trusted literal, may be NULL). */
void bst_page_field(bst_buf *b, const char *type, const char *name, const char *label,
		    const char *value, const char *extra);
/* Sets the session cookie after sign-in, rotation or sign-out (NULL). */
void bst_page_session_cookie(struct bst_req *r, const char *token);

/* ---- one file per page ---- */
void bst_page_home(struct bst_req *r);           /* home.c      GET / */
void bst_page_login(struct bst_req *r);          /* login.c     GET|POST /login */
void bst_page_login_2fa(struct bst_req *r);      /* login_2fa.c GET|POST /login/2fa */
void bst_page_mfa_setup(struct bst_req *r);      /* mfa_setup.c GET|POST /login/2fa/setup */
void bst_page_logout(struct bst_req *r);         /* logout.c    POST /logout */
void bst_page_link(struct bst_req *r);           /* link.c      GET|POST /activate/{t}, /reset/{t} */
void bst_page_register(struct bst_req *r);       /* register.c  GET|POST /register */
void bst_page_reauth(struct bst_req *r);         /* reauth.c    GET|POST /reauth */
void bst_page_settings(struct bst_req *r);       /* settings.c  GET|POST /settings */
void bst_page_sessions(struct bst_req *r);       /* sessions.c  GET|POST /settings/sessions */
void bst_page_personal_export(struct bst_req *r); /* personal_export.c  GET /settings/export.zip */
void bst_page_tokens(struct bst_req *r);         /* tokens.c    GET|POST /settings/tokens */
void bst_page_admin_users(struct bst_req *r);    /* admin_users.c GET|POST /admin/users */
void bst_page_admin_user(struct bst_req *r);     /* admin_user.c  GET|POST /admin/users/{id} */
void bst_page_admin_settings(struct bst_req *r); /* admin_settings.c GET|POST /admin/settings */
void bst_page_admin_export(struct bst_req *r);          /* admin_export.c GET|POST /admin/export */
void bst_page_admin_export_download(struct bst_req *r); /* admin_export.c GET /admin/export/{id}/download */
void bst_page_admin_export_push(struct bst_req *r);     /* admin_export.c POST /admin/export/{id}/push */
/* admin_export_destination.c GET|POST /admin/export/destination */
void bst_page_admin_export_destination(struct bst_req *r);
void bst_page_admin_access_log(struct bst_req *r);    /* admin_access_log.c GET /admin/access-log */
void bst_page_admin_access_verify(struct bst_req *r); /* admin_access_log.c POST /admin/access-log/verify */
void bst_page_admin_access_entry(struct bst_req *r);  /* admin_access_entry.c GET /admin/access-log/{seq} */
/* admin_access_export.c: GET /admin/access-log.csv|.json and
 * /api/v1/audit/access-log.csv|.json */
void bst_page_admin_access_export(struct bst_req *r);

#endif
