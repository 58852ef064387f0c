/* The routing table: every page and API resource of the server. Entries:
 * {method, pattern, handler, flags, app}; see router.h. The collaboration
 * features keep their entries in routes_<feature>.inc, included below: it
 * is still one table. */
#include "http/router.h"
#include "http/static.h"
#include "api/api.h"
#include "web/pages.h"

/* Each collaboration feature's handlers, for its routes_<feature>.inc. */
#if __has_include("web/groups.h")
#include "api/groups.h"
#include "web/groups.h"
#endif
#if __has_include("web/posts.h")
#include "api/posts.h"
#include "web/posts.h"
#endif
#if __has_include("web/people.h")
#include "api/people.h"
#include "web/people.h"
#endif
#if __has_include("web/documents.h")
#include "api/documents.h"
#include "web/documents.h"
#endif
#if __has_include("web/search.h")
#include "api/search.h"
#include "web/search.h"
#endif

#include <stddef.h>

const struct bst_route bst_routes[] = {
	{"GET", "/static/*", bst_static_serve, BST_R_STATIC, NULL},

	{"GET", "/", bst_page_home, BST_R_AUTH, NULL},
	{"GET", "/login", bst_page_login, BST_R_PUBLIC, NULL},
	{"POST", "/login", bst_page_login, BST_R_PUBLIC, NULL},
	{"GET", "/login/2fa", bst_page_login_2fa, BST_R_MFA_STEP, NULL},
	{"POST", "/login/2fa", bst_page_login_2fa, BST_R_MFA_STEP, NULL},
	{"GET", "/login/2fa/setup", bst_page_mfa_setup, BST_R_MFA_STEP | BST_R_AUTH, NULL},
	{"POST", "/login/2fa/setup", bst_page_mfa_setup, BST_R_MFA_STEP | BST_R_AUTH, NULL},
	{"POST", "/logout", bst_page_logout, BST_R_MFA_STEP | BST_R_AUTH, NULL},
	{"GET", "/activate/{token}", bst_page_link, BST_R_PUBLIC, NULL},
	{"POST", "/activate/{token}", bst_page_link, BST_R_PUBLIC, NULL},
	{"GET", "/reset/{token}", bst_page_link, BST_R_PUBLIC, NULL},
	{"POST", "/reset/{token}", bst_page_link, BST_R_PUBLIC, NULL},
	{"GET", "/register", bst_page_register, BST_R_PUBLIC, NULL},
	{"POST", "/register", bst_page_register, BST_R_PUBLIC, NULL},
	{"GET", "/reauth", bst_page_reauth, BST_R_AUTH, NULL},
	{"POST", "/reauth", bst_page_reauth, BST_R_AUTH, NULL},
	{"GET", "/settings", bst_page_settings, BST_R_AUTH, NULL},
	{"POST", "/settings", bst_page_settings, BST_R_AUTH, NULL},
	{"GET", "/settings/sessions", bst_page_sessions, BST_R_AUTH, NULL},
	{"GET", "/settings/export.zip", bst_page_personal_export, BST_R_AUTH, NULL},
	{"POST", "/settings/sessions", bst_page_sessions, BST_R_AUTH, NULL},
	{"GET", "/settings/tokens", bst_page_tokens, BST_R_AUTH, NULL},
	{"POST", "/settings/tokens", bst_page_tokens, BST_R_AUTH, NULL},
	{"POST", "/settings/tokens/{id}/revoke", bst_page_tokens, BST_R_AUTH, NULL},
	{"GET", "/admin/users", bst_page_admin_users, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"POST", "/admin/users", bst_page_admin_users, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"GET", "/admin/users/{id}", bst_page_admin_user, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"POST", "/admin/users/{id}", bst_page_admin_user, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"GET", "/admin/settings", bst_page_admin_settings, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"POST", "/admin/settings", bst_page_admin_settings, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"GET", "/admin/access-log", bst_page_admin_access_log, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"GET", "/admin/access-log.csv", bst_page_admin_access_export, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"GET", "/admin/access-log.json", bst_page_admin_access_export, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"GET", "/admin/access-log/{seq}", bst_page_admin_access_entry, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"POST", "/admin/access-log/verify", bst_page_admin_access_verify, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"GET", "/admin/export", bst_page_admin_export, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"POST", "/admin/export", bst_page_admin_export, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"GET", "/admin/export/{id}/download", bst_page_admin_export_download, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"POST", "/admin/export/{id}/push", bst_page_admin_export_push, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"GET", "/admin/export/destination", bst_page_admin_export_destination, BST_R_ADMIN | BST_R_REAUTH, NULL},
	{"POST", "/admin/export/destination", bst_page_admin_export_destination, BST_R_ADMIN | BST_R_REAUTH, NULL},

	{"GET", "/api/v1/me", bst_api_me, BST_R_AUTH, NULL},
	{"POST", "/api/v1/register", bst_api_register, BST_R_PUBLIC, NULL},
	{"GET", "/api/v1/tokens", bst_api_tokens, BST_R_AUTH, NULL},
	{"POST", "/api/v1/tokens", bst_api_tokens, BST_R_AUTH | BST_R_WRITE, NULL},
	{"DELETE", "/api/v1/tokens/{id}", bst_api_token, BST_R_AUTH | BST_R_WRITE, NULL},
	{"GET", "/api/v1/sessions", bst_api_sessions, BST_R_AUTH, NULL},
	{"DELETE", "/api/v1/sessions/{id}", bst_api_session, BST_R_AUTH | BST_R_WRITE, NULL},
	{"GET", "/api/v1/users", bst_api_users, BST_R_AUTH, NULL},
	{"POST", "/api/v1/users", bst_api_users, BST_R_ADMIN | BST_R_WRITE, NULL},
	{"GET", "/api/v1/audit/access-log", bst_api_audit_access_log, BST_R_ADMIN, NULL},
	{"GET", "/api/v1/audit/access-log.csv", bst_page_admin_access_export, BST_R_ADMIN, NULL},
	{"GET", "/api/v1/audit/access-log.json", bst_page_admin_access_export, BST_R_ADMIN, NULL},
	/* collaboration: one fragment per feature, each owned by its files */
#include "http/routes_groups.inc"
#include "http/routes_posts.inc"
#include "http/routes_profiles.inc"
#include "http/routes_documents.inc"
#include "http/routes_notifications.inc"
#include "http/routes_search.inc"
	{NULL, NULL, NULL, 0, NULL},
};
