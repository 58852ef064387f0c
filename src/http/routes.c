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

	{"GET", "/api/v1/me", bst_api_me, BST_R_AUTH},
	{"POST", "/api/v1/register", bst_api_register, BST_R_PUBLIC},
	{NULL, NULL, NULL, 0},
};
