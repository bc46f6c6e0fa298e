/** Renders a user row as Coder's `codersdk.User`. */
import type { UserRow } from '../db/users'
import { roleDisplayName } from '../rbac'
import { formatRfc3339 } from '../time'

export interface UserResponse {
  id: string
  username: string
  avatar_url?: string
  name?: string
  email: string
  created_at: string
  updated_at: string
  last_seen_at: string
  status: string
  login_type: string
  organization_ids: string[]
  roles: { name: string; display_name: string }[]
}

/**
 * Builds the response body. `roles` lists the stored site roles only (not the implicit
 * `member`, not organization roles), and empty `avatar_url` and `name` are left out, as Coder
 * does.
 */
export function toUserResponse(user: UserRow, organizationIds: string[]): UserResponse {
  const body: UserResponse = {
    id: user.id,
    username: user.username,
    email: user.email,
    created_at: formatRfc3339(user.createdAt),
    updated_at: formatRfc3339(user.updatedAt),
    last_seen_at: formatRfc3339(user.lastSeenAt),
    status: user.status,
    login_type: user.loginType,
    organization_ids: organizationIds,
    roles: user.rbacRoles.map((name) => ({ name, display_name: roleDisplayName(name) ?? '' })),
  }
  if (user.avatarUrl) body.avatar_url = user.avatarUrl
  if (user.name) body.name = user.name
  return orderLikeCoder(body)
}

// Coder's encoder writes fields in struct order; keep the optional ones where Coder puts them.
function orderLikeCoder(body: UserResponse): UserResponse {
  const { id, username, avatar_url, name, ...rest } = body
  return {
    id,
    username,
    ...(avatar_url !== undefined && { avatar_url }),
    ...(name !== undefined && { name }),
    ...rest,
  }
}
