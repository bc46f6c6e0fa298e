/**
 * The `{organization}` and member `{user}` path parameters of the membership routes, resolved as
 * Coder's ExtractOrganizationParam and ExtractOrganizationMemberParam do, and the membership
 * response bodies (`codersdk.OrganizationMember`, `codersdk.OrganizationMemberWithUserData`).
 */
import type { Context } from 'hono'
import { authorizeRequest } from '../auth/subject'
import {
  findDefaultOrganization,
  findMember,
  findOrganizationById,
  findOrganizationByName,
  type MemberWithUser,
  type MembershipRow,
  type OrganizationRow,
} from '../db/organizations'
import { findUserById, findUserByUsername } from '../db/users'
import type { AppEnv } from '../http/context'
import { getBuiltinRole, NIL_UUID } from '../rbac'
import { formatRfc3339 } from '../time'
import { parseGoUuid } from './user-admin-bodies'
import { resourceNotFound, userParamError } from './user-admin-messages'

/** codersdk.DefaultOrganization: the name that always means the default organization. */
export const DEFAULT_ORGANIZATION_ALIAS = 'default'

/**
 * Returns the organization named by `param`: `default` (or the nil UUID, which Coder still
 * accepts from older provisioners), an id, or a name ignoring ASCII case. An unknown
 * organization and one the caller may not read both get Coder's 404.
 */
export async function resolveOrganizationParam(
  c: Context<AppEnv>,
  param: string,
): Promise<OrganizationRow> {
  const { db } = c.var
  const id = parseGoUuid(param)
  let organization: OrganizationRow | undefined
  if (param === DEFAULT_ORGANIZATION_ALIAS || (id.ok && id.uuid === NIL_UUID)) {
    organization = await findDefaultOrganization(db)
  } else if (id.ok) {
    organization = await findOrganizationById(db, id.uuid)
  } else {
    organization = await findOrganizationByName(db, param)
  }
  const readable =
    organization !== undefined &&
    authorizeRequest(c, 'read', {
      type: 'organization',
      id: organization.id,
      orgOwner: organization.id,
    })
  if (!organization || !readable) throw resourceNotFound(`organization ${param} not readable`)
  return organization
}

/**
 * Returns the membership of the user named by `param` (`me`, an id or a username). As in Coder,
 * the user is looked up without the caller's permissions, and an unknown user gets Coder's 400.
 * The membership must be readable by the caller. Otherwise, or when the user is not a member,
 * the request gets Coder's 404.
 */
export async function resolveMemberParam(
  c: Context<AppEnv>,
  organization: OrganizationRow,
  param: string,
): Promise<MemberWithUser> {
  const { db, session } = c.var
  let userId: string | undefined
  if (param === 'me') {
    userId = session.user.id
  } else {
    const id = parseGoUuid(param)
    userId = (id.ok ? await findUserById(db, id.uuid) : await findUserByUsername(db, param))?.id
  }
  if (userId === undefined) throw userParamError(param)
  const member = await findMember(db, organization.id, userId)
  if (!member || !canReadMembership(c, member.membership)) {
    throw resourceNotFound(`membership of ${userId} in ${organization.id} not readable`)
  }
  return member
}

/** Reports whether the caller may read a membership (Coder's OrganizationMember RBAC object). */
export function canReadMembership(c: Context<AppEnv>, membership: MembershipRow): boolean {
  return authorizeRequest(c, 'read', membershipObject(membership))
}

/** Builds the RBAC object of a membership: owned by the member, inside the organization. */
export function membershipObject(membership: Pick<MembershipRow, 'userId' | 'organizationId'>) {
  return {
    type: 'organization_member',
    id: membership.userId,
    owner: membership.userId,
    orgOwner: membership.organizationId,
  }
}

/** Renders a membership as `codersdk.OrganizationMember`. */
export function toOrganizationMemberResponse(membership: MembershipRow) {
  return {
    user_id: membership.userId,
    organization_id: membership.organizationId,
    created_at: formatRfc3339(membership.createdAt),
    updated_at: formatRfc3339(membership.updatedAt),
    roles: membership.roles.map((name) => {
      const role = getBuiltinRole(name, membership.organizationId)
      return {
        name,
        display_name: role?.displayName ?? '',
        organization_id: membership.organizationId,
      }
    }),
  }
}

/**
 * Renders a member as `codersdk.OrganizationMemberWithUserData`. `global_roles` are the stored
 * site roles, and a name that is not a built-in site role gets an empty display name, as in
 * Coder.
 */
export function toMemberWithUserDataResponse(member: MemberWithUser) {
  return {
    username: member.username,
    name: member.name,
    avatar_url: member.avatarUrl,
    email: member.email,
    global_roles: member.globalRoles.map((name) => ({
      name,
      display_name: getBuiltinRole(name)?.displayName ?? '',
    })),
    ...toOrganizationMemberResponse(member.membership),
  }
}
