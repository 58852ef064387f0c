/* The routing table: every page and API resource of the server. */
#include "http/router.h"
#include "http/static.h"
#include "api/api.h"
#include "web/pages.h"

#include <stddef.h>

const struct bst_route bst_routes[] = {
	{"GET", "/static/*", bst_static_serve, BST_R_STATIC},

	{"GET", "/", bst_page_home, BST_R_AUTH},
	{"GET", "/login", bst_page_login, BST_R_PUBLIC},
	{"POST", "/login", bst_page_login, BST_R_PUBLIC},
	{"GET", "/login/2fa", bst_page_login_2fa, BST_R_MFA_STEP},
	{"POST", "/login/2fa", bst_page_login_2fa, BST_R_MFA_STEP},
	{"GET", "/login/2fa/setup", bst_page_mfa_setup, BST_R_MFA_STEP | BST_R_AUTH},
	{"POST", "/login/2fa/setup", bst_page_mfa_setup, BST_R_MFA_STEP | BST_R_AUTH},
	{"POST", "/logout", bst_page_logout, BST_R_MFA_STEP | BST_R_AUTH},
	{"GET", "/activate/{token}", bst_page_link, BST_R_PUBLIC},
	{"POST", "/activate/{token}", bst_page_link, BST_R_PUBLIC},
	{"GET", "/reset/{token}", bst_page_link, BST_R_PUBLIC},
	{"POST", "/reset/{token}", bst_page_link, BST_R_PUBLIC},
	{"GET", "/register", bst_page_register, BST_R_PUBLIC},
	{"POST", "/register", bst_page_register, BST_R_PUBLIC},
	{"GET", "/reauth", bst_page_reauth, BST_R_AUTH},
	{"POST", "/reauth", bst_page_reauth, BST_R_AUTH},
	{"GET", "/settings", bst_page_settings, BST_R_AUTH},
	{"POST", "/settings", bst_page_settings, BST_R_AUTH},
	{"GET", "/settings/sessions", bst_page_sessions, BST_R_AUTH},
	{"POST", "/settings/sessions", bst_page_sessions, BST_R_AUTH},
	{"GET", "/settings/tokens", bst_page_tokens, BST_R_AUTH},
	{"POST", "/settings/tokens", bst_page_tokens, BST_R_AUTH},
	{"POST", "/settings/tokens/{id}/revoke", bst_page_tokens, BST_R_AUTH},
	{"GET", "/admin/users", bst_page_admin_users, BST_R_ADMIN | BST_R_REAUTH},
	{"POST", "/admin/users", bst_page_admin_users, BST_R_ADMIN | BST_R_REAUTH},
	{"GET", "/admin/users/{id}", bst_page_admin_user, BST_R_ADMIN | BST_R_REAUTH},
	{"POST", "/admin/users/{id}", bst_page_admin_user, BST_R_ADMIN | BST_R_REAUTH},
	{"GET", "/admin/settings", bst_page_admin_settings, BST_R_ADMIN | BST_R_REAUTH},
	{"POST", "/admin/settings", bst_page_admin_settings, BST_R_ADMIN | BST_R_REAUTH},

	{"GET", "/api/v1/me", bst_api_me, BST_R_AUTH},
	{"POST", "/api/v1/register", bst_api_register, BST_R_PUBLIC},
	{"GET", "/api/v1/tokens", bst_api_tokens, BST_R_AUTH},
	{"POST", "/api/v1/tokens", bst_api_tokens, BST_R_AUTH | BST_R_WRITE},
	{"DELETE", "/api/v1/tokens/{id}", bst_api_token, BST_R_AUTH | BST_R_WRITE},
	{"GET", "/api/v1/sessions", bst_api_sessions, BST_R_AUTH},
	{"DELETE", "/api/v1/sessions/{id}", bst_api_session, BST_R_AUTH | BST_R_WRITE},
	{"GET", "/api/v1/users", bst_api_users, BST_R_ADMIN},
	{"POST", "/api/v1/users", bst_api_users, BST_R_ADMIN | BST_R_WRITE},
	{NULL, NULL, NULL, 0},
};
