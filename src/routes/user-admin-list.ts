/** `GET /users`: the users the caller may read, searched and paginated as in Coder. */
import type { ApiRouter } from '../http/route'
import type { Context } from 'hono'
import { number, object, optional, string } from 'zod'
import { requireSession } from '../auth/session'
import { getSubject } from '../auth/subject'
import { listOrganizationIdsByUser, listUsers } from '../db/user-list'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import { authorize } from '../rbac'
import { CoderResponse } from './schemas'
import { GetUsersResponse } from './user-admin-schemas'
import { parsePagination, parseUserSearch } from './user-admin-search'
import { toUserResponse } from './user-response'

export function mountUserListRoute(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'get',
      path: '/users',
      tags: ['Users'],
      summary: 'List users',
      description:
        'Users are sorted by username. `q` takes space-separated terms: a bare term matches ' +
        'part of the email or username, and `name:`, `status:`, `role:`, `login_type:`, ' +
        '`last_seen_after:`, `last_seen_before:`, `created_after:` and `created_before:` ' +
        '(quoted RFC 3339 times) filter further, and lists are comma-separated. Users the caller may not ' +
        'read are left out, so members see only themselves.',
      security: SESSION_SECURITY,
      request: {
        query: object({
          q: optional(string().meta({ example: 'alice status:active,dormant role:owner' })),
          after_id: optional(
            string().meta({ format: 'uuid', description: 'Start after this user.' }),
          ),
          limit: optional(number().int().meta({ description: 'Page size; 0 means no limit.' })),
          offset: optional(number().int()),
        }),
      },
      responses: {
        200: {
          description: 'One page of users and the total count.',
          content: json(GetUsersResponse),
        },
        400: { description: 'Invalid search query or pagination.', content: json(CoderResponse) },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
      },
    },
    requireSession,
    async (c) => {
      const query = new URL(c.req.url).searchParams
      const search = parseUserSearch(query.get('q') ?? '')
      if (!search.ok) {
        throw new ApiError(400, 'Invalid user search query.', { validations: search.validations })
      }
      const pagination = parsePagination(query)
      if (!pagination.ok) {
        throw new ApiError(400, 'Query parameters have invalid values.', {
          validations: pagination.validations,
        })
      }
      const page = await listUsers(c.var.db, {
        ...search.value,
        ...pagination.value,
        readableIds: findReadableUserIds(c),
      })
      const organizationIds = await listOrganizationIdsByUser(
        c.var.db,
        page.users.map((user) => user.id),
      )
      return jsonResponse(200, {
        users: page.users.map((user) => toUserResponse(user, organizationIds.get(user.id) ?? [])),
        count: page.count,
      })
    },
  )
}

/**
 * Returns `all` when the caller may read every user, else the ids of the only users they may
 * read, so the database can filter and count them (Coder filters in SQL the same way).
 *
 * The read permission on another user depends on the user's id only through API-key scopes that
 * allow listed ids. So a random id that no scope lists stands for every such user: if the
 * caller may read it, they may read everyone. Otherwise only their own id and the ids their
 * scopes list can be readable, and each is checked.
 */
function findReadableUserIds(c: Context<AppEnv>): 'all' | string[] {
  const subject = getSubject(c.var.session)
  const probe = crypto.randomUUID()
  if (authorize(subject, 'read', { type: 'user', id: probe, owner: probe })) return 'all'
  const candidates = new Set([
    subject.id,
    ...subject.scopes.flatMap((scope) => [...scope.allowIds]),
  ])
  return [...candidates].filter((id) => authorize(subject, 'read', { type: 'user', id, owner: id }))
}
