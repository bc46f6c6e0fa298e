/**
 * User and site-role management: creating and listing users, assigning site roles, suspending,
 * activating and deleting users, and password changes. Every route is guarded by the RBAC engine
 * with the checks Coder's handlers and database layer make.
 */
import type { ApiRouter } from '../http/route'
import { mountCreateUserRoute } from './user-admin-create'
import { mountUserListRoute } from './user-admin-list'
import { mountPasswordChangeRoute } from './user-admin-password'
import { mountSiteRoleRoutes } from './user-admin-roles'
import { mountUserStatusRoutes } from './user-admin-status'

export function mountUserAdminRoutes(api: ApiRouter): void {
  mountUserListRoute(api)
  mountCreateUserRoute(api)
  // Before any `/users/{user}` route, so that `roles` is not taken for a username.
  mountSiteRoleRoutes(api)
  mountUserStatusRoutes(api)
  mountPasswordChangeRoute(api)
}
