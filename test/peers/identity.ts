/**
 * The identity providers that sign-in tests drive, on 127.0.0.1 with random ports: a real
 * OpenID Provider (the certified `oidc-provider` package) and a small GitHub stand-in. Tests
 * create accounts through a control endpoint of each and name the account in the authorization
 * URL (`login_hint` for OIDC, `login` for GitHub), so that test files running in parallel do
 * not share one account.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
// @ts-expect-error oidc-provider 9 ships no type declarations; OidcProvider below types its use.
import Provider from 'oidc-provider'
import type { TestProject } from 'vitest/node'

/** The site the tests address the Worker as; the providers redirect back to it. */
const TEST_SITE = 'http://edgeauth.test'

export interface IdentityPeers {
  oidc: {
    issuer: string
    clientId: string
    clientSecret: string
    /** `POST` an account here; the answer's `login_hint` selects it at the provider. */
    accountsUrl: string
  }
  github: {
    /** Base of `/login/oauth/authorize` and `/login/oauth/access_token` (GITHUB_URL). */
    webUrl: string
    /** Base of `/user` and `/user/emails` (GITHUB_API_URL). */
    apiUrl: string
    clientId: string
    clientSecret: string
    /** `POST` a user here; the answer's `login_hint` selects it at `authorize`. */
    usersUrl: string
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    identityPeers: IdentityPeers
  }
}

/** Starts both providers and provides their addresses to the tests. */
export async function startIdentityPeers(project: TestProject): Promise<() => Promise<void>> {
  const oidc = await startOpenIdProvider()
  const github = await startGithubStandIn()
  project.provide('identityPeers', { oidc: oidc.peer, github: github.peer })
  return async () => {
    await Promise.all([close(oidc.server), close(github.server)])
  }
}

// ---------------------------------------------------------------------------------------------
// OpenID Provider

interface OidcAccount {
  email?: unknown
  email_verified?: unknown
  preferred_username?: unknown
  name?: unknown
}

interface OidcInteraction {
  prompt: { name: string }
  params: Record<string, unknown>
}

interface OidcGrant {
  addOIDCScope(scope: string): void
  save(): Promise<string>
}

/** The part of oidc-provider's API these tests use. */
interface OidcProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<OidcInteraction>
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>
  Grant: new (init: { accountId: string; clientId: string }) => OidcGrant
}

interface OidcContext {
  oidc: {
    client: { clientId: string }
    session: { accountId: string }
    provider: OidcProvider
  }
}

const OIDC_SCOPES = 'openid profile email'
/**
 * Lifetime of the provider's sessions, grants, interactions and tokens, in seconds: 10 minutes
 * outlasts any test and silences oidc-provider's notices about its defaults.
 */
const PROVIDER_ARTIFACT_TTL_SECONDS = 10 * 60

async function startOpenIdProvider(): Promise<{ server: Server; peer: IdentityPeers['oidc'] }> {
  const accounts = new Map<string, OidcAccount>()
  // The issuer URL contains the port, so the server listens before the provider exists and
  // gets its request handler afterwards.
  const server = createServer()
  const issuer = await listen(server)
  const clientId = 'edgeauth-test'
  const clientSecret = randomBytes(24).toString('hex')

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  })
  const ProviderClass = Provider as new (issuer: string, config: unknown) => OidcProvider
  const provider = new ProviderClass(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${TEST_SITE}/api/v2/users/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    features: { devInteractions: { enabled: false } },
    ttl: {
      AccessToken: PROVIDER_ARTIFACT_TTL_SECONDS,
      Grant: PROVIDER_ARTIFACT_TTL_SECONDS,
      IdToken: PROVIDER_ARTIFACT_TTL_SECONDS,
      Interaction: PROVIDER_ARTIFACT_TTL_SECONDS,
      Session: PROVIDER_ARTIFACT_TTL_SECONDS,
    },
    pkce: { required: () => true },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub)
      if (!account) return undefined
      return { accountId: sub, claims: () => ({ sub, ...account }) }
    },
    // Consent is granted at once, so one interaction (the login) completes a sign-in.
    loadExistingGrant: async (ctx: OidcContext) => {
      const grant = new ctx.oidc.provider.Grant({
        accountId: ctx.oidc.session.accountId,
        clientId: ctx.oidc.client.clientId,
      })
      grant.addOIDCScope(OIDC_SCOPES)
      await grant.save()
      return grant
    },
  })

  const handleProviderRequest = provider.callback()
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer)
    if (req.method === 'POST' && url.pathname === '/test/accounts') {
      const accountId = randomUUID()
      readJson(req)
        .then((account) => {
          accounts.set(accountId, account as OidcAccount)
          sendJson(res, 201, { login_hint: accountId })
        })
        .catch((error: unknown) => fail(res, error))
    } else if (req.method === 'GET' && url.pathname.startsWith('/interaction/')) {
      completeInteraction(provider, accounts, req, res).catch((error: unknown) => fail(res, error))
    } else {
      handleProviderRequest(req, res)
    }
  })

  return {
    server,
    peer: { issuer, clientId, clientSecret, accountsUrl: `${issuer}/test/accounts` },
  }
}

/**
 * Logs in the account that the authorization request named with `login_hint`, with no page in
 * between; an unknown hint ends the sign-in with `access_denied`.
 */
async function completeInteraction(
  provider: OidcProvider,
  accounts: Map<string, OidcAccount>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const interaction = await provider.interactionDetails(req, res)
  const accountId = String(interaction.params.login_hint ?? '')
  if (!accounts.has(accountId)) {
    return provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'No test account has this login_hint.',
    })
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId } },
    { mergeWithLastSubmission: false },
  )
}

// ---------------------------------------------------------------------------------------------
// GitHub stand-in

/**
 * A stand-in for github.com, which cannot be reached from here: the authorize redirect, the
 * token endpoint (which, like GitHub, returns 200 with an error body for a bad code) and
 * the two REST endpoints edgeauth reads. Codes are single-use and bound to their PKCE challenge
 * and redirect URI. The `login` parameter of `authorize` picks the account, where real GitHub
 * would show its sign-in page.
 */
interface GithubUser {
  id: number
  login: string
  name: string | null
  emails: { email: string; primary: boolean; verified: boolean }[]
}

interface GithubCode {
  userId: number
  codeChallenge: string
  redirectUri: string
}

async function startGithubStandIn(): Promise<{ server: Server; peer: IdentityPeers['github'] }> {
  const users = new Map<number, GithubUser>()
  const codes = new Map<string, GithubCode>()
  const accessTokens = new Map<string, number>()
  let nextUserId = 1000
  const clientId = 'Iv1.edgeauthtest'
  const clientSecret = randomBytes(20).toString('hex')
  const server = createServer((req, res) => {
    handleGithubRequest(req, res).catch((error: unknown) => fail(res, error))
  })
  const base = await listen(server)
  const redirectUri = `${TEST_SITE}/api/v2/users/oauth2/github/callback`

  async function handleGithubRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base)
    const route = `${req.method} ${url.pathname}`
    if (route === 'POST /test/users') {
      const body = (await readJson(req)) as Partial<GithubUser>
      const id = body.id ?? nextUserId++
      users.set(id, {
        id,
        login: body.login ?? `user${id}`,
        name: body.name ?? null,
        emails: body.emails ?? [],
      })
      return sendJson(res, 201, { login_hint: String(id) })
    }
    if (route === 'GET /login/oauth/authorize') return authorize(url, res)
    if (route === 'POST /login/oauth/access_token') return exchange(req, res)
    const user = users.get(accessTokens.get(bearerToken(req)) ?? -1)
    if (route === 'GET /api/user' || route === 'GET /api/user/emails') {
      if (!user) return sendJson(res, 401, { message: 'Bad credentials' })
      if (url.pathname === '/api/user') {
        return sendJson(res, 200, {
          id: user.id,
          login: user.login,
          name: user.name,
          avatar_url: '',
        })
      }
      return sendJson(
        res,
        200,
        user.emails.map((email) => ({ ...email, visibility: null })),
      )
    }
    sendJson(res, 404, { message: 'Not Found' })
  }

  function authorize(url: URL, res: ServerResponse): void {
    const params = url.searchParams
    if (params.get('client_id') !== clientId || params.get('redirect_uri') !== redirectUri) {
      return sendJson(res, 400, { message: 'unknown client_id or redirect_uri' })
    }
    const back = new URL(redirectUri)
    back.searchParams.set('state', params.get('state') ?? '')
    const user = users.get(Number(params.get('login')))
    if (!user || params.get('code_challenge_method') !== 'S256') {
      back.searchParams.set('error', 'access_denied')
      back.searchParams.set('error_description', 'No test user has this login, or no S256 PKCE.')
    } else {
      const code = randomBytes(10).toString('hex')
      codes.set(code, {
        userId: user.id,
        codeChallenge: params.get('code_challenge') ?? '',
        redirectUri,
      })
      back.searchParams.set('code', code)
    }
    res.writeHead(302, { Location: back.toString() })
    res.end()
  }

  async function exchange(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readText(req))
    if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
      return sendJson(res, 200, { error: 'incorrect_client_credentials' })
    }
    const code = form.get('code') ?? ''
    const pending = codes.get(code)
    codes.delete(code)
    const verifier = form.get('code_verifier') ?? ''
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    if (
      !pending ||
      pending.codeChallenge !== challenge ||
      form.get('redirect_uri') !== pending.redirectUri
    ) {
      return sendJson(res, 200, {
        error: 'bad_verification_code',
        error_description: 'The code passed is incorrect or expired.',
      })
    }
    const accessToken = `gho_${randomBytes(18).toString('hex')}`
    accessTokens.set(accessToken, pending.userId)
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'bearer',
      scope: 'read:user,user:email',
    })
  }

  return {
    server,
    peer: {
      webUrl: base,
      apiUrl: `${base}/api`,
      clientId,
      clientSecret,
      usersUrl: `${base}/test/users`,
    },
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

/** Listens on a random port of 127.0.0.1 and returns the base URL. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return `http://127.0.0.1:${port}`
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  return JSON.parse(await readText(req))
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

function bearerToken(req: IncomingMessage): string {
  const header = req.headers.authorization ?? ''
  return /^(bearer|token) /i.test(header) ? header.replace(/^\S+ /, '') : ''
}

function fail(res: ServerResponse, error: unknown): void {
  console.error('identity peer failed:', error)
  if (!res.headersSent) sendJson(res, 500, { message: String(error) })
  else res.end()
}
