/** `GET /users/roles` and `PUT /users/{user}/roles`: the site roles and their assignment. */
import type { ApiRouter } from '../http/route'
import { array, object, string } from 'zod'
import { requireSession } from '../auth/session'
import { authorizeRequest } from '../auth/subject'
import { buildAuditEntry } from '../db/audit-request'
import { replaceUserRoles } from '../db/user-changes'
import { findUserById, listOrganizationIds, type UserRow } from '../db/users'
import { ApiError } from '../http/errors'
import { jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import {
  BUILTIN_SITE_ROLE_NAMES,
  ROLE_MEMBER,
  canAssignRole,
  collectSubjectRoles,
  getBuiltinRole,
  type Permission,
  type RoleIdentifier,
} from '../rbac'
import { CoderResponse, User } from './schemas'
import { readBody, UPDATE_ROLES_BODY } from './user-admin-bodies'
import { forbidden, userParamError } from './user-admin-messages'
import { authorizeRoleChange, diffRoleSets, distinctRoles } from './user-admin-role-changes'
import { AssignableRoles, UpdateRoles } from './user-admin-schemas'
import { resolveUserParam } from './user-param'
import { toUserResponse } from './user-response'

/**
 * Maximum attempts at a role update. Each attempt re-reads the stored roles and checks the
 * permission for the change against them, so a concurrent update cannot slip in a change that
 * the caller may not make. Three is a guess at enough for bursts of concurrent updates.
 */
export const MAX_ROLE_UPDATE_ATTEMPTS = 3

export const ROLES_CHANGED_CONCURRENTLY =
  'The roles were changed by another request at the same time. Try again.'

export function mountSiteRoleRoutes(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'get',
      path: '/users/roles',
      tags: ['Members'],
      summary: 'List the site roles and whether the caller may assign each',
      description:
        'The implicit `member` role is not listed. Every signed-in user may read the list.',
      security: SESSION_SECURITY,
      responses: {
        200: { description: 'The site roles.', content: json(array(AssignableRoles)) },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
        403: {
          description: 'No permission to read role assignments.',
          content: json(CoderResponse),
        },
      },
    },
    requireSession,
    (c) => {
      if (!authorizeRequest(c, 'read', { type: 'assign_role' })) {
        throw forbidden('no read permission on assign_role')
      }
      const { user, memberships } = c.var.session
      const callerRoles = collectSubjectRoles(user.rbacRoles, memberships)
      return jsonResponse(200, listAssignableSiteRoles(callerRoles))
    },
  )

  mountRoute(
    api,
    {
      method: 'put',
      path: '/users/{user}/roles',
      tags: ['Users'],
      summary: "Replace a user's site roles",
      description:
        'Send every site role the user should have. `member` is implicit. Each added or removed ' +
        "role needs the caller's permission, and nobody can change their own roles.",
      security: SESSION_SECURITY,
      request: {
        params: object({ user: string().meta({ description: 'A user id, a username, or `me`.' }) }),
        body: { content: json(UpdateRoles), required: true },
      },
      responses: {
        200: { description: 'The updated user.', content: json(User) },
        400: {
          description: 'Own roles, unknown role, role the caller may not assign, or bad body.',
          content: json(CoderResponse),
        },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
        403: { description: 'No permission to assign roles.', content: json(CoderResponse) },
        409: {
          description: 'Concurrent role updates kept colliding.',
          content: json(CoderResponse),
        },
      },
    },
    requireSession,
    async (c) => {
      const param = c.req.param('user') ?? ''
      let user = await resolveUserParam(c, param)
      if (user.id === c.var.session.user.id) {
        throw new ApiError(400, 'You cannot change your own roles.')
      }
      const body = await readBody(c, UPDATE_ROLES_BODY)
      const roles = distinctRoles(body.roles)
      for (let attempt = 1; attempt <= MAX_ROLE_UPDATE_ATTEMPTS; attempt += 1) {
        if (attempt > 1) user = (await findUserById(c.var.db, user.id)) ?? throwGone(param)
        // The member role is implied, so Coder always counts it as added.
        const requested = [...body.roles, ROLE_MEMBER].map(siteRole)
        authorizeRoleChange(c, '', diffRoleSets(user.rbacRoles.map(siteRole), requested))
        const audit = buildAuditEntry(c, {
          action: 'write',
          resourceType: 'user',
          resourceId: user.id,
          userId: c.var.session.user.id,
          statusCode: 200,
          additionalFields: { old_roles: user.rbacRoles.join(','), new_roles: roles.join(',') },
        })
        if (await replaceUserRoles(c.var.db, user.id, user.rbacRoles, roles, audit)) {
          c.var.logger.log('info', 'user_roles_updated', {
            user_id: user.id,
            actor_id: c.var.session.user.id,
            roles: roles.join(','),
          })
          const organizationIds = await listOrganizationIds(c.var.db, user.id)
          return jsonResponse(200, toUserResponse({ ...user, rbacRoles: roles }, organizationIds))
        }
      }
      throw new ApiError(409, ROLES_CHANGED_CONCURRENTLY, { reason: 'role update kept colliding' })
    },
  )
}

function siteRole(name: string): RoleIdentifier {
  return { name, organizationId: '' }
}

function throwGone(param: string): UserRow {
  throw userParamError(param)
}

/**
 * Builds Coder's `codersdk.AssignableRoles` list of the built-in site roles, leaving out the
 * implied `member` role as Coder's `assignableRoles` does.
 */
function listAssignableSiteRoles(callerRoles: readonly string[]) {
  return BUILTIN_SITE_ROLE_NAMES.filter((name) => name !== ROLE_MEMBER).flatMap((name) => {
    const role = getBuiltinRole(name)
    if (role === undefined || role.displayName === '') return []
    return [
      {
        name: role.name,
        display_name: role.displayName,
        site_permissions: role.site.map(toPermissionResponse),
        organization_permissions: [],
        user_permissions: role.user.map(toPermissionResponse),
        assignable: canAssignRole(callerRoles, name),
        built_in: true,
      },
    ]
  })
}

function toPermissionResponse(permission: Permission) {
  return {
    negate: permission.negate,
    resource_type: permission.resourceType,
    action: permission.action,
  }
}
