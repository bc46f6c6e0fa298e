/** Helpers that create users with given roles through the API, as an owner would. */
import { expect } from 'vitest'
import { api, createOwner, login, OWNER, query } from './api'

/** A password that passes the strength rule and the common-password list. */
export const USER_PASSWORD = 'Plum-Harbor-Quartz-815'

export interface TestUser {
  id: string
  username: string
  email: string
  /** A session token of the user, from a password login. */
  token: string
}

/** Creates the first user (an owner), logs them in and returns both. */
export async function setupOwner(): Promise<TestUser> {
  const id = await createOwner()
  return { id, username: OWNER.username, email: OWNER.email, token: await login() }
}

/** Returns the id of the default organization that the migration created. */
export async function defaultOrganizationId(): Promise<string> {
  const [row] = await query<{ id: string }>('SELECT id FROM organizations WHERE is_default = 1')
  if (!row) throw new Error('the default organization is missing')
  return row.id
}

/**
 * Inserts another organization directly (no endpoint creates one) and returns its id. The test
 * setup keeps organizations between tests, so one left with the same name is replaced.
 */
export async function insertOrganization(name: string): Promise<string> {
  const id = crypto.randomUUID()
  await query('DELETE FROM organizations WHERE name = ?1 AND is_default = 0', name)
  await query(
    `INSERT INTO organizations (id, name, display_name, created_at, updated_at)
     VALUES (?1, ?2, ?2, ?3, ?3)`,
    id,
    name,
    Date.now(),
  )
  return id
}

export interface UserOptions {
  /** Site roles to grant after creation. */
  roles?: string[]
  /** Roles in the default organization to grant after creation, e.g. `organization-admin`. */
  organizationRoles?: string[]
}

/**
 * Creates an active password user in the default organization as `ownerToken`, grants the
 * given roles, and logs the user in.
 */
export async function createUser(
  ownerToken: string,
  username: string,
  options: UserOptions = {},
): Promise<TestUser> {
  const email = `${username}@example.com`
  const created = await api('/users', {
    method: 'POST',
    token: ownerToken,
    json: {
      email,
      username,
      password: USER_PASSWORD,
      user_status: 'active',
      organization_ids: [await defaultOrganizationId()],
    },
  })
  expect(created.status, await created.clone().text()).toBe(201)
  const { id } = (await created.json()) as { id: string }
  if (options.roles) {
    const response = await api(`/users/${id}/roles`, {
      method: 'PUT',
      token: ownerToken,
      json: { roles: options.roles },
    })
    expect(response.status, await response.clone().text()).toBe(200)
  }
  if (options.organizationRoles) {
    const response = await api(`/organizations/default/members/${id}/roles`, {
      method: 'PUT',
      token: ownerToken,
      json: { roles: options.organizationRoles },
    })
    expect(response.status, await response.clone().text()).toBe(200)
  }
  return { id, username, email, token: await login(email, USER_PASSWORD) }
}

/** Returns the stored site roles of a user. */
export async function storedRoles(userId: string): Promise<string[]> {
  const [row] = await query<{ rbac_roles: string }>(
    'SELECT rbac_roles FROM users WHERE id = ?1',
    userId,
  )
  return JSON.parse(row?.rbac_roles ?? 'null') as string[]
}

/** Counts the API keys of a user. */
export async function countKeys(userId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    'SELECT count(*) AS n FROM api_keys WHERE user_id = ?1',
    userId,
  )
  return row?.n ?? 0
}
