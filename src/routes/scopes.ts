/** `GET /auth/scopes`: the API-key scopes a client may request, no session needed. */
import type { ApiRouter } from '../http/route'
import { jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute } from '../http/route'
import { EXTERNAL_SCOPE_NAMES } from '../rbac'
import { ExternalAPIKeyScopes } from './schemas'

export function mountScopeRoutes(api: ApiRouter): void {
  const body = { external: EXTERNAL_SCOPE_NAMES }
  mountRoute(
    api,
    {
      method: 'get',
      path: '/auth/scopes',
      tags: ['Authorization'],
      summary: 'List the scopes an API key can have',
      description: 'Sorted by byte order. A session token, if sent, is ignored.',
      responses: { 200: { description: 'Scope names.', content: json(ExternalAPIKeyScopes) } },
    },
    () => jsonResponse(200, body),
  )
}
