/**
 * Organization membership: listing members, adding and removing them, and assigning their
 * organization roles, with Coder's paths, checks and messages (coderd/members.go, 2025-09).
 */
import type { ApiRouter } from '../http/route'
import type { Context } from 'hono'
import { array, object, string } from 'zod'
import { now } from '../clock'
import { requireSession } from '../auth/session'
import { authorizeRequest } from '../auth/subject'
import { buildAuditEntry } from '../db/audit-request'
import {
  deleteMember,
  findMember,
  insertMember,
  listMembers,
  replaceMemberRoles,
  type MemberWithUser,
  type OrganizationRow,
} from '../db/organizations'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { goQuote } from '../http/go-quote'
import { jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import { ROLE_ORGANIZATION_MEMBER, canAssignRole, collectSubjectRoles } from '../rbac'
import { CoderResponse } from './schemas'
import { readBody, UPDATE_ROLES_BODY } from './user-admin-bodies'
import { resourceNotFound } from './user-admin-messages'
import {
  canReadMembership,
  membershipObject,
  resolveMemberParam,
  resolveOrganizationParam,
  toMemberWithUserDataResponse,
  toOrganizationMemberResponse,
} from './user-admin-organization'
import { authorizeRoleChange, diffRoleSets, distinctRoles } from './user-admin-role-changes'
import { MAX_ROLE_UPDATE_ATTEMPTS, ROLES_CHANGED_CONCURRENTLY } from './user-admin-roles'
import {
  OrganizationMember,
  OrganizationMemberWithUserData,
  UpdateRoles,
} from './user-admin-schemas'
import { resolveUserParam } from './user-param'

const ORGANIZATION_PARAM = string().meta({
  description: 'An organization id, its name, or `default`.',
})
const MEMBER_PARAMS = object({
  organization: ORGANIZATION_PARAM,
  user: string().meta({ description: 'A user id, a username, or `me`.' }),
})

export function mountOrganizationMemberRoutes(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'get',
      path: '/organizations/{organization}/members',
      tags: ['Members'],
      summary: 'List the members of an organization',
      description: 'Members the caller may not read are left out, so members see only themselves.',
      security: SESSION_SECURITY,
      request: { params: object({ organization: ORGANIZATION_PARAM }) },
      responses: {
        200: { description: 'The members.', content: json(array(OrganizationMemberWithUserData)) },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
        404: { description: 'Unknown or unreadable organization.', content: json(CoderResponse) },
      },
    },
    requireSession,
    async (c) => {
      const organization = await resolveOrganizationParam(c, c.req.param('organization') ?? '')
      const members = await listMembers(c.var.db, organization.id)
      const readable = members.filter((member) => canReadMembership(c, member.membership))
      return jsonResponse(200, readable.map(toMemberWithUserDataResponse))
    },
  )

  mountRoute(
    api,
    {
      method: 'post',
      path: '/organizations/{organization}/members/{user}',
      tags: ['Members'],
      summary: 'Add a user to an organization',
      security: SESSION_SECURITY,
      request: { params: MEMBER_PARAMS },
      responses: {
        200: { description: 'The new membership.', content: json(OrganizationMember) },
        400: { description: 'Already a member, or unknown user.', content: json(CoderResponse) },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
        404: {
          description: 'Unknown organization or no permission.',
          content: json(CoderResponse),
        },
      },
    },
    requireSession,
    async (c) => {
      const organization = await resolveOrganizationParam(c, c.req.param('organization') ?? '')
      const user = await resolveUserParam(c, c.req.param('user') ?? '')
      authorizeMemberAddition(c, organization.id, user.id)
      const createdAt = now()
      const membership = {
        userId: user.id,
        organizationId: organization.id,
        roles: [],
        createdAt,
        updatedAt: createdAt,
      }
      const inserted = await insertMember(
        c.var.db,
        membership,
        memberAudit(c, 'create', organization, user.id, 200),
      )
      if (inserted === 'exists') {
        throw new ApiError(400, 'Organization member already exists in this organization')
      }
      logMembershipChange(c, 'organization_member_added', organization, user.id)
      return jsonResponse(200, toOrganizationMemberResponse(membership))
    },
  )

  mountRoute(
    api,
    {
      method: 'delete',
      path: '/organizations/{organization}/members/{user}',
      tags: ['Members'],
      summary: 'Remove a user from an organization',
      description: 'A caller cannot remove their own membership.',
      security: SESSION_SECURITY,
      request: { params: MEMBER_PARAMS },
      responses: {
        204: { description: 'Removed.' },
        400: { description: 'Own membership, or unknown user.', content: json(CoderResponse) },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
        404: {
          description: 'Unknown organization or membership, or no permission.',
          content: json(CoderResponse),
        },
      },
    },
    requireSession,
    async (c) => {
      const organization = await resolveOrganizationParam(c, c.req.param('organization') ?? '')
      const member = await resolveMemberParam(c, organization, c.req.param('user') ?? '')
      const userId = member.membership.userId
      if (userId === c.var.session.user.id) {
        throw new ApiError(400, 'cannot remove self from an organization')
      }
      if (!authorizeRequest(c, 'delete', membershipObject(member.membership))) {
        throw resourceNotFound('no delete permission on the membership')
      }
      const audit = memberAudit(c, 'delete', organization, userId, 204)
      if (!(await deleteMember(c.var.db, organization.id, userId, audit))) {
        throw resourceNotFound('membership already removed')
      }
      logMembershipChange(c, 'organization_member_removed', organization, userId)
      return c.body(null, 204)
    },
  )

  mountRoute(
    api,
    {
      method: 'put',
      path: '/organizations/{organization}/members/{user}/roles',
      tags: ['Members'],
      summary: "Replace a member's organization roles",
      description:
        'Send role names without the organization suffix, e.g. `organization-admin`. ' +
        '`organization-member` is implicit. Nobody can change their own organization roles.',
      security: SESSION_SECURITY,
      request: { params: MEMBER_PARAMS, body: { content: json(UpdateRoles), required: true } },
      responses: {
        200: { description: 'The updated membership.', content: json(OrganizationMember) },
        400: {
          description: 'Own roles, unknown role, role the caller may not assign, or bad body.',
          content: json(CoderResponse),
        },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
        403: { description: 'No permission to assign roles.', content: json(CoderResponse) },
        404: { description: 'Unknown organization or membership.', content: json(CoderResponse) },
        409: {
          description: 'Concurrent role updates kept colliding.',
          content: json(CoderResponse),
        },
      },
    },
    requireSession,
    async (c) => {
      const organization = await resolveOrganizationParam(c, c.req.param('organization') ?? '')
      let member = await resolveMemberParam(c, organization, c.req.param('user') ?? '')
      if (member.membership.userId === c.var.session.user.id) {
        throw new ApiError(400, 'You cannot change your own organization roles.', {
          detail: 'Another user with the appropriate permissions must change your roles.',
        })
      }
      const body = await readBody(c, UPDATE_ROLES_BODY)
      for (const name of body.roles) {
        if (name.includes(':')) {
          throw new ApiError(
            400,
            `attempt to assign a role ${goQuote(name)}, remove the ':<organization_id> suffix`,
          )
        }
      }
      const roles = distinctRoles(body.roles)
      for (let attempt = 1; attempt <= MAX_ROLE_UPDATE_ATTEMPTS; attempt += 1) {
        if (attempt > 1) member = await reloadMember(c, organization, member)
        const updated = await tryReplaceMemberRoles(c, organization, member, body.roles, roles)
        if (updated) return jsonResponse(200, toOrganizationMemberResponse(updated))
      }
      throw new ApiError(409, ROLES_CHANGED_CONCURRENTLY, { reason: 'role update kept colliding' })
    },
  )
}

/**
 * Checks what Coder's dbauthz checks when it inserts a membership and throws Coder's 404 when
 * one fails: `assign` on the organization's role assignments, the right to assign the implied
 * `organization-member` role, and `create` on the membership.
 */
function authorizeMemberAddition(c: Context<AppEnv>, organizationId: string, userId: string) {
  const { user, memberships } = c.var.session
  const allowed =
    authorizeRequest(c, 'assign', { type: 'assign_org_role', orgOwner: organizationId }) &&
    canAssignRole(collectSubjectRoles(user.rbacRoles, memberships), {
      name: ROLE_ORGANIZATION_MEMBER,
      organizationId,
    }) &&
    authorizeRequest(c, 'create', {
      type: 'organization_member',
      id: userId,
      orgOwner: organizationId,
    })
  if (!allowed) throw resourceNotFound('no permission to add organization members')
}

/**
 * Checks the change from the stored roles to `requested` (plus the implied
 * `organization-member`) and writes `roles` if the stored roles are still the checked ones.
 * Returns the new membership, or undefined when another request changed the roles first.
 */
async function tryReplaceMemberRoles(
  c: Context<AppEnv>,
  organization: OrganizationRow,
  member: MemberWithUser,
  requested: readonly string[],
  roles: string[],
) {
  const organizationId = organization.id
  const asIdentifier = (name: string) => ({ name, organizationId })
  const stored = member.membership.roles
  const change = diffRoleSets(
    stored.map(asIdentifier),
    [...requested, ROLE_ORGANIZATION_MEMBER].map(asIdentifier),
  )
  authorizeRoleChange(c, organizationId, change)
  const userId = member.membership.userId
  const audit = memberAudit(c, 'write', organization, userId, 200, {
    old_roles: stored.join(','),
    new_roles: roles.join(','),
  })
  if (!(await replaceMemberRoles(c.var.db, organizationId, userId, stored, roles, audit))) {
    return undefined
  }
  logMembershipChange(c, 'organization_member_roles_updated', organization, userId)
  return { ...member.membership, roles }
}

async function reloadMember(
  c: Context<AppEnv>,
  organization: OrganizationRow,
  member: MemberWithUser,
): Promise<MemberWithUser> {
  const current = await findMember(c.var.db, organization.id, member.membership.userId)
  if (!current) throw resourceNotFound('membership removed during a role update')
  return current
}

function memberAudit(
  c: Context<AppEnv>,
  action: string,
  organization: OrganizationRow,
  userId: string,
  statusCode: number,
  extra: Record<string, string> = {},
) {
  return buildAuditEntry(c, {
    action,
    resourceType: 'organization_member',
    resourceId: userId,
    userId: c.var.session.user.id,
    statusCode,
    additionalFields: { organization_id: organization.id, ...extra },
  })
}

function logMembershipChange(
  c: Context<AppEnv>,
  event: string,
  organization: OrganizationRow,
  userId: string,
) {
  c.var.logger.log('info', event, {
    organization_id: organization.id,
    user_id: userId,
    actor_id: c.var.session.user.id,
  })
}
