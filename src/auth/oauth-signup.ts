/**
 * Sign-up through GitHub or OpenID Connect: the user Coder's `oauthLogin` creates for a person
 * the deployment does not know yet.
 */
import type { Context } from 'hono'
import { now } from '../clock'
import {
  countUsers,
  findUserByEmail,
  findUserById,
  getDefaultOrganizationId,
  insertFirstUser,
  insertUser,
  type NewUser,
  type UserRow,
} from '../db/users'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import type { ExternalIdentity } from './oauth-provider'
import { findFreeUsername } from './oauth-username'

/**
 * Creates the user for a first sign-in. As in Coder, the very first user of a deployment may
 * always sign up and becomes an owner. Later users need sign-ups to be allowed for the provider.
 */
export async function signUp(
  c: Context<AppEnv>,
  identity: ExternalIdentity,
): Promise<{ user: UserRow; created: boolean }> {
  const { db } = c.var
  const organizationId = await getDefaultOrganizationId(db)
  if (!organizationId) {
    throw new ApiError(500, 'Internal error fetching default organization.', {
      reason: 'default_organization_missing',
    })
  }
  const user: NewUser = {
    id: crypto.randomUUID(),
    email: identity.email,
    username: identity.username,
    name: identity.name,
    hashedPassword: '',
    loginType: identity.loginType,
    status: 'active',
    rbacRoles: [],
    organizationId,
    now: now(),
  }
  // insertFirstUser inserts only while no user exists, so two first sign-ins cannot both
  // become owners.
  if (
    (await countUsers(db)) === 0 &&
    (await insertFirstUser(db, { ...user, rbacRoles: ['owner'] }))
  ) {
    return { user: await loadUser(c, user.id), created: true }
  }
  if (!identity.allowSignups) {
    throw new ApiError(403, 'Signups are disabled', {
      detail: 'Please contact your Coder administrator to request access.',
      reason: 'signups_disabled',
    })
  }

  // Two attempts: another sign-in can take the chosen username between the check and the insert.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const username = await findFreeUsername(db, identity.username)
    if (username === null) {
      throw new ApiError(409, `exhausted alternatives for taken username "${identity.username}"`)
    }
    const result = await insertUser(db, { ...user, username })
    if (result === 'created') return { user: await loadUser(c, user.id), created: true }
    if (result === 'email_taken') {
      // A concurrent sign-in created the user first; continue with that user.
      const existing = await findUserByEmail(db, identity.email)
      if (existing) return { user: existing, created: false }
    }
  }
  throw new ApiError(409, `exhausted alternatives for taken username "${identity.username}"`)
}

async function loadUser(c: Context<AppEnv>, id: string): Promise<UserRow> {
  const user = await findUserById(c.var.db, id)
  if (!user) throw new ApiError(500, 'Internal error creating user.', { reason: 'user_vanished' })
  return user
}
