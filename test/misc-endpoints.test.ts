import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { setClock } from '../src/clock'
import {
  api,
  apiWithSettings,
  BASE_URL,
  createOwner,
  freshIp,
  login,
  OWNER,
  query,
} from './helpers/api'

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

/** Scope names that upstream Coder's earliest `/auth/scopes` returns, in byte order. */
const EXTERNAL_SCOPES = [
  'api_key:*',
  'api_key:create',
  'api_key:delete',
  'api_key:read',
  'api_key:update',
  'coder:all',
  'coder:apikeys.manage_self',
  'coder:application_connect',
  'coder:templates.author',
  'coder:templates.build',
  'coder:workspaces.access',
  'coder:workspaces.create',
  'coder:workspaces.delete',
  'coder:workspaces.operate',
  'file:*',
  'file:create',
  'file:read',
  'organization:*',
  'organization:delete',
  'organization:read',
  'organization:update',
  'task:*',
  'task:create',
  'task:delete',
  'task:read',
  'task:update',
  'template:*',
  'template:create',
  'template:delete',
  'template:read',
  'template:update',
  'template:use',
  'user:read_personal',
  'user:update_personal',
  'user_secret:*',
  'user_secret:create',
  'user_secret:delete',
  'user_secret:read',
  'user_secret:update',
  'workspace:*',
  'workspace:application_connect',
  'workspace:create',
  'workspace:delete',
  'workspace:read',
  'workspace:ssh',
  'workspace:start',
  'workspace:stop',
  'workspace:update',
]

/** Sends validate-password requests from one fresh IP and returns the first 429 response. */
async function exhaustLoginLimit(): Promise<Response> {
  const ip = freshIp()
  // 121 requests span at most two minute-aligned windows, so one of them receives a 61st request.
  for (let attempt = 0; attempt <= 120; attempt++) {
    const response = await api('/users/validate-password', {
      method: 'POST',
      json: { password: 'x' },
      ip,
    })
    if (response.status === 429) return response
    await response.arrayBuffer()
  }
  throw new Error('no 429 from the login limiter after 121 requests')
}

function compareBytes(a: string, b: string): number {
  const left = new TextEncoder().encode(a)
  const right = new TextEncoder().encode(b)
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return (left[i] as number) - (right[i] as number)
  }
  return left.length - right.length
}

describe('unknown /api/v2 paths', () => {
  it.each([
    ['GET', '/nope'],
    ['GET', '/nope/deeper/still'],
    ['GET', '/users/me/nope'],
    ['POST', '/nope'],
    ['POST', '/authcheckx'],
    ['DELETE', '/nope'],
  ])('returns 404 for %s %s', async (method, path) => {
    const response = await api(path, { method, body: method === 'GET' ? undefined : '{}' })
    expect(response.status).toBe(404)
    expect(response.headers.get('Content-Type')).toBe(JSON_CONTENT_TYPE)
    expect(await response.text()).toBe('{"message":"Route not found."}\n')
  })
})

describe('GET /api/v2/auth/scopes', () => {
  it('lists the 48 scopes without a session', async () => {
    const response = await api('/auth/scopes')
    expect(response.status).toBe(200)
    const body = (await response.json()) as { external: string[] }
    expect(Object.keys(body)).toEqual(['external'])
    expect(body.external).toEqual(EXTERNAL_SCOPES)
    expect(body.external).toHaveLength(48)
  })

  it('sorts the scopes by bytes', async () => {
    const body = (await (await api('/auth/scopes')).json()) as { external: string[] }
    expect([...body.external].sort(compareBytes)).toEqual(body.external)
    // ':' (0x3A) sorts before '_' (0x5F) and before letters.
    const names = body.external
    expect(names.indexOf('user:update_personal')).toBeLessThan(names.indexOf('user_secret:*'))
    expect(names.indexOf('coder:all')).toBeLessThan(names.indexOf('coder:apikeys.manage_self'))
  })

  it('ignores an invalid session token', async () => {
    const response = await api('/auth/scopes', {
      token: 'bad',
      headers: { Cookie: 'coder_session_token=0123456789-0123456789012345678901' },
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { external: string[] }).external).toEqual(EXTERNAL_SCOPES)
  })
})

describe('GET /api/v2/users/authmethods', () => {
  it('returns the exact body', async () => {
    const response = await api('/users/authmethods')
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(
      '{"password":{"enabled":true},"github":{"enabled":false,"default_provider_configured":false},"oidc":{"enabled":false,"signInText":"","iconUrl":""}}\n',
    )
  })
})

describe('response headers and encoding', () => {
  const cases: [string, () => Promise<Response>, number][] = [
    ['authmethods', () => api('/users/authmethods'), 200],
    [
      'login',
      async () => {
        await createOwner()
        return api('/users/login', { method: 'POST', json: OWNER })
      },
      201,
    ],
    [
      'validation failure',
      () => api('/users/validate-password', { method: 'POST', json: {} }),
      400,
    ],
    ['no session', () => api('/users/me'), 401],
    ['unknown route', () => api('/nope'), 404],
    [
      'body too large',
      () => api('/users/login', { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) }),
      413,
    ],
    ['rate limit', exhaustLoginLimit, 429],
    [
      'invalid setting',
      () => apiWithSettings({ SESSION_DURATION: 'abc' }, '/users/authmethods'),
      500,
    ],
  ]

  it.each(cases)('sends Coder headers and compact JSON for %s', async (_, send, status) => {
    const response = await send()
    expect(response.status).toBe(status)
    expect(response.headers.get('X-Coder-Build-Version')).toMatch(/^v\d+\.\d+\.\d+(\+[\w.-]+)?$/)
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(response.headers.get('Content-Type')).toBe(JSON_CONTENT_TYPE)
    const text = await response.text()
    expect(text.endsWith('}\n')).toBe(true)
    expect(text.slice(0, -1)).toBe(JSON.stringify(JSON.parse(text)))
  })

  it('sends Coder headers on the CSRF error', async () => {
    const response = await api('/users/logout', {
      method: 'POST',
      headers: { Cookie: 'coder_session_token=x' },
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('X-Coder-Build-Version')).toMatch(/^v\d+\.\d+\.\d+/)
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
  })

  it('escapes <, > and & as Go does', async () => {
    const response = await api('/users/login', {
      method: 'POST',
      json: { email: '<b>&amp;', password: 'x' },
    })
    expect(response.status).toBe(400)
    expect(await response.text()).toBe(
      '{"message":"Validation failed.","validations":[{"field":"email","detail":"Validation failed for tag \\"email\\" with value: \\"\\u003cb\\u003e\\u0026amp;\\""}]}\n',
    )
  })

  it('escapes U+2028 and U+2029 as Go does', async () => {
    const response = await api('/users/login', {
      method: 'POST',
      json: { email: 'a\u2028b\u2029', password: 'x' },
    })
    expect(response.status).toBe(400)
    const text = await response.text()
    expect(text).toContain('with value: \\"a\\u2028b\\u2029\\""')
    expect(text).not.toMatch(/[\u2028\u2029]/)
  })
})

describe('GET /api/v2/openapi.json', () => {
  interface OpenApiDocument {
    openapi: string
    paths: Record<string, Record<string, Record<string, unknown>>>
    components: { schemas: Record<string, { required?: string[]; properties: object }> }
  }

  async function fetchDocument(): Promise<OpenApiDocument> {
    const response = await api('/openapi.json')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/)
    return (await response.json()) as OpenApiDocument
  }

  it('is an OpenAPI 3.1 document', async () => {
    const document = await fetchDocument()
    expect(document.openapi).toMatch(/^3\.1\.\d+$/)
  })

  it.each([
    ['/users/login', 'post'],
    ['/users/first', 'get'],
    ['/users/first', 'post'],
    ['/users/logout', 'post'],
    ['/users/{user}', 'get'],
    ['/users/authmethods', 'get'],
    ['/users/validate-password', 'post'],
    ['/auth/scopes', 'get'],
  ])('lists %s %s', async (path, method) => {
    const document = await fetchDocument()
    expect(document.paths[path]?.[method]).toBeDefined()
  })

  it.each([
    ['/users/login', 'codersdk.LoginWithPasswordRequest', ['email', 'password']],
    ['/users/first', 'codersdk.CreateFirstUserRequest', ['email', 'username', 'password']],
    ['/users/validate-password', 'codersdk.ValidateUserPasswordRequest', ['password']],
  ])('gives the request schema of %s', async (path, name, required) => {
    const document = await fetchDocument()
    const operation = document.paths[path]?.post as {
      requestBody: { content: Record<string, { schema: { $ref: string } }> }
    }
    expect(operation.requestBody.content['application/json']?.schema).toEqual({
      $ref: `#/components/schemas/${name}`,
    })
    expect(document.components.schemas[name]?.required).toEqual(required)
  })

  it('marks the authenticated routes', async () => {
    const document = await fetchDocument()
    const security = [{ CoderSessionToken: [] }]
    expect(document.paths['/users/{user}']?.get?.security).toEqual(security)
    expect(document.paths['/users/logout']?.post?.security).toEqual(security)
    expect(document.paths['/users/login']?.post?.security).toBeUndefined()
  })
})

describe('GET /swagger', () => {
  it('serves the Swagger UI page', async () => {
    const response = await SELF.fetch(`${BASE_URL}/swagger`)
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/)
    const html = await response.text()
    expect(html).toContain('SwaggerUIBundle')
    expect(html).toContain("url: '/api/v2/openapi.json'")
  })
})

describe('settings', () => {
  it('returns 500 naming an invalid SESSION_DURATION', async () => {
    const response = await apiWithSettings({ SESSION_DURATION: 'abc' }, '/users/first')
    expect(response.status).toBe(500)
    const body = (await response.json()) as { message: string; detail: string }
    expect(Object.keys(body)).toEqual(['message', 'detail'])
    expect(body.message).toBe('Invalid server configuration.')
    expect(body.detail).toBe(
      'Setting SESSION_DURATION is invalid: expected a whole number of seconds greater than 0, such as 86400.',
    )
  })

  it('keeps the rejected value of a setting out of the response', async () => {
    const endpoint = 'ftp://hooks.example.com/secret-token'
    const response = await apiWithSettings(
      { NOTIFICATIONS_METHOD: 'webhook', NOTIFICATIONS_WEBHOOK_ENDPOINT: endpoint },
      '/users/first',
    )
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain('secret-token')
  })

  it('gives new sessions the SESSION_DURATION lifetime', async () => {
    await createOwner()
    const start = Date.UTC(2026, 2, 1, 8, 0, 0)
    setClock(() => start)
    const response = await apiWithSettings({ SESSION_DURATION: '3600' }, '/users/login', {
      method: 'POST',
      json: { email: OWNER.email, password: OWNER.password },
    })
    expect(response.status).toBe(201)
    const token = ((await response.json()) as { session_token: string }).session_token
    const [key] = await query<{ lifetime_seconds: number; expires_at: number }>(
      'SELECT lifetime_seconds, expires_at FROM api_keys WHERE id = ?',
      token.slice(0, 10),
    )
    expect(key).toEqual({ lifetime_seconds: 3600, expires_at: start + 3600 * 1000 })

    // The key expires after one hour, not the default 24.
    setClock(() => start + 3600 * 1000 + 1)
    expect((await api('/users/me', { token })).status).toBe(401)
  })

  it('keeps the 24-hour default', async () => {
    await createOwner()
    const token = await login()
    const [key] = await query<{ lifetime_seconds: number }>(
      'SELECT lifetime_seconds FROM api_keys WHERE id = ?',
      token.slice(0, 10),
    )
    expect(key?.lifetime_seconds).toBe(86400)
  })
})

describe('GET /api/v2/buildinfo', () => {
  it('reports the version without a session', async () => {
    const response = await api('/buildinfo')
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body.version).toBe(response.headers.get('X-Coder-Build-Version'))
    expect(body.dashboard_url).toBe('http://127.0.0.1:8787')
    expect(body.external_url).toBe('https://github.com/coder/coder')
  })

  it('answers the API root', async () => {
    for (const path of ['', '/']) {
      const response = await api(path)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ message: '👋' })
    }
  })
})
