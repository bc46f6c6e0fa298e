/**
 * Setup, sign-in and sign-out pages in Chromium, with their security headers and CSRF checks.
 * The tests share one Worker and run in order: the first creates the deployment's first user,
 * whom the later ones sign in as.
 */
import type { Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  contentWidth,
  findInlineCode,
  focusedElementId,
  NARROW_VIEWPORT,
  saveScreenshot,
  SITE_URL,
  startBrowserStack,
  unlabelledInputs,
  type BrowserStack,
} from '../helpers/browser'

const OWNER = {
  email: 'owner@example.com',
  username: 'owner',
  password: 'SomeSecurePassword!',
}
const CSRF_REJECTED = 'This form could not be verified'

let stack: BrowserStack

beforeAll(async () => {
  stack = await startBrowserStack()
})

afterAll(async () => {
  await stack?.stop()
})

/** Signs in through the form and returns the page, on the page the sign-in led to. */
async function signIn(password = OWNER.password, path = '/login'): Promise<Page> {
  const page = await stack.newPage()
  await page.goto(`${SITE_URL}${path}`)
  await page.getByLabel('Email').fill(OWNER.email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForLoadState()
  return page
}

function expectSecurityHeaders(response: Response | null): void {
  const headers = response?.headers() ?? {}
  const csp = headers['content-security-policy'] ?? ''
  expect(csp).toContain("default-src 'none'")
  expect(csp).toContain("script-src 'self'")
  expect(csp).toContain("style-src 'self'")
  expect(csp).toContain("frame-ancestors 'none'")
  expect(csp).toContain("base-uri 'none'")
  expect(csp).not.toContain('unsafe-inline')
  expect(headers['x-frame-options']).toBe('DENY')
  expect(headers['x-content-type-options']).toBe('nosniff')
  expect(headers['referrer-policy']).toBe('no-referrer')
  expect(headers['cache-control']).toBe('no-store')
}

describe('/setup', () => {
  it('creates the first user, then sends to sign-in', async () => {
    const page = await stack.newPage()
    const response = await page.goto(`${SITE_URL}/setup`)
    expect(response?.status()).toBe(200)
    expectSecurityHeaders(response)
    expect(await findInlineCode(page)).toEqual([])
    expect(await page.title()).toBe('Create the first user · edgeauth')
    await saveScreenshot(page, 'setup')

    await page.getByLabel('Email').fill(OWNER.email)
    await page.getByLabel('Username').fill(OWNER.username)
    await page.getByLabel('Password').fill('password')
    const weak = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Create account' }).click(),
    ])
    expect(weak[0].status()).toBe(400)
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Password is invalid')
    const password = page.getByLabel('Password')
    expect(await password.getAttribute('aria-invalid')).toBe('true')
    expect(await password.inputValue()).toBe('')
    const describedBy = (await password.getAttribute('aria-describedby')) ?? ''
    expect(describedBy).toContain('setup-password-error')
    expect(await page.locator('#setup-password-error').textContent()).toMatch(/insecure password/)
    expect(await page.getByLabel('Email').inputValue()).toBe(OWNER.email)
    expect(await focusedElementId(page)).toBe('setup-password')
    await saveScreenshot(page, 'setup-weak-password')

    await page.getByLabel('Password').fill(OWNER.password)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(`${SITE_URL}/login?notice=setup-complete`)
    expect(await page.getByRole('status').textContent()).toContain('The first user was created')
  })

  it('redirects to sign-in once a user exists', async () => {
    const page = await stack.newPage()
    await page.goto(`${SITE_URL}/setup`)
    expect(page.url()).toBe(`${SITE_URL}/login`)
  })
})

describe('/login', () => {
  it('shows the API message for a wrong password', async () => {
    const page = await stack.newPage()
    const response = await page.goto(`${SITE_URL}/login`)
    expectSecurityHeaders(response)
    expect(await findInlineCode(page)).toEqual([])
    await saveScreenshot(page, 'login')

    await page.getByLabel('Email').fill(OWNER.email)
    await page.getByLabel('Password').fill('WrongPassword!1234')
    const [posted] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ])
    expect(posted.status()).toBe(401)
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Incorrect email or password.')
    expect(await page.getByLabel('Password').inputValue()).toBe('')
    expect(await page.getByLabel('Email').inputValue()).toBe(OWNER.email)
    const cookies = await page.context().cookies()
    expect(cookies.map((cookie) => cookie.name)).not.toContain('coder_session_token')
    await saveScreenshot(page, 'login-wrong-password')
  })

  it('shows the API validation message for an invalid email', async () => {
    const page = await stack.newPage()
    await page.goto(`${SITE_URL}/login`)
    await page.getByLabel('Email').fill('not-an-email')
    await page.getByLabel('Password').fill('x')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Validation failed.')
    const email = page.getByLabel('Email')
    expect(await email.getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#login-email-error').textContent()).toBe(
      'Validation failed for tag "email" with value: "not-an-email"',
    )
  })

  it('offers GitHub and OIDC sign-in as configured', async () => {
    const page = await stack.newPage()
    await page.goto(`${SITE_URL}/login?redirect=${encodeURIComponent('/settings/security')}`)
    const github = page.getByRole('link', { name: 'Sign in with GitHub' })
    const oidc = page.getByRole('link', { name: 'Sign in with OpenID Connect' })
    expect(await github.getAttribute('href')).toBe(
      '/api/v2/users/oauth2/github/callback?redirect=%2Fsettings%2Fsecurity',
    )
    expect(await oidc.getAttribute('href')).toBe(
      '/api/v2/users/oidc/callback?redirect=%2Fsettings%2Fsecurity',
    )
  })

  it('signs in, sets the session cookie and signs out', async () => {
    const page = await signIn()
    expect(page.url()).toBe(`${SITE_URL}/settings/security`)
    const session = (await page.context().cookies()).find(
      (cookie) => cookie.name === 'coder_session_token',
    )
    expect(session?.httpOnly).toBe(true)
    expect(session?.sameSite).toBe('Lax')
    expect(await page.locator('main dl').textContent()).toContain(OWNER.email)

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${SITE_URL}/login?notice=signed-out`)
    expect(await page.getByRole('status').textContent()).toBe('You are signed out.')
    const names = (await page.context().cookies()).map((cookie) => cookie.name)
    expect(names).not.toContain('coder_session_token')

    await page.goto(`${SITE_URL}/settings/security`)
    expect(page.url()).toBe(`${SITE_URL}/login?redirect=%2Fsettings%2Fsecurity`)
  })

  it('returns to a local redirect path after sign-in', async () => {
    const target = '/settings/security?from=test'
    const page = await signIn(OWNER.password, `/login?redirect=${encodeURIComponent(target)}`)
    expect(page.url()).toBe(`${SITE_URL}${target}`)
  })

  it('ignores a redirect to another site', async () => {
    const page = await signIn(OWNER.password, '/login?redirect=https%3A%2F%2Fevil.example%2Fx')
    expect(page.url()).toBe(`${SITE_URL}/settings/security`)
  })
})

describe('CSRF protection', () => {
  it('rejects a form post without the token', async () => {
    const response = await stack.fetchWorker('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: OWNER.email, password: OWNER.password }).toString(),
    })
    expect(response.status).toBe(403)
    expect(await response.text()).toContain(CSRF_REJECTED)
    expect(response.headers.get('set-cookie') ?? '').not.toContain('coder_session_token=')
  })

  it('rejects a token that does not match the cookie', async () => {
    const response = await stack.fetchWorker('/login', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: 'csrf_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
      body: new URLSearchParams({
        csrf_token: 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
        email: OWNER.email,
        password: OWNER.password,
      }).toString(),
    })
    expect(response.status).toBe(403)
  })

  it('rejects a matching token posted from another site', async () => {
    const token = 'CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC'
    const response = await stack.fetchWorker('/login', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: `csrf_token=${token}`,
        'Sec-Fetch-Site': 'cross-site',
        Origin: 'http://evil.example',
      },
      body: new URLSearchParams({
        csrf_token: token,
        email: OWNER.email,
        password: OWNER.password,
      }).toString(),
    })
    expect(response.status).toBe(403)
  })

  it('accepts a matching token from the same origin', async () => {
    const token = 'DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD'
    const response = await stack.fetchWorker('/login', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: `csrf_token=${token}`,
        'Sec-Fetch-Site': 'same-origin',
        Origin: 'null',
      },
      body: new URLSearchParams({
        csrf_token: token,
        email: OWNER.email,
        password: OWNER.password,
      }).toString(),
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/settings/security')
    expect(response.headers.get('set-cookie') ?? '').toContain('coder_session_token=')
  })

  it('rejects a cross-site form in the browser', async () => {
    const page = await stack.newPage()
    await page.setContent(
      `<form method="post" action="${SITE_URL}/login">` +
        `<input name="email" value="${OWNER.email}">` +
        `<input name="password" value="${OWNER.password}">` +
        '<button>Go</button></form>',
    )
    const [posted] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Go' }).click(),
    ])
    expect(posted.status()).toBe(403)
    const names = (await page.context().cookies()).map((cookie) => cookie.name)
    expect(names).not.toContain('coder_session_token')
  })

  it('rejects a sign-out post without the token', async () => {
    const page = await signIn()
    const token = (await page.context().cookies()).find(
      (cookie) => cookie.name === 'coder_session_token',
    )
    const response = await stack.fetchWorker('/logout', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: `coder_session_token=${token?.value}`,
      },
      body: '',
    })
    expect(response.status).toBe(403)
    await page.goto(`${SITE_URL}/settings/security`)
    expect(page.url()).toBe(`${SITE_URL}/settings/security`)
  })
})

describe('every page', () => {
  // A passcode of the right form that was never issued: the page renders without checking it.
  const resetQuery = new URLSearchParams({ otp: crypto.randomUUID(), email: OWNER.email })
  const PAGES = [
    { path: '/login', screenshot: 'login' },
    { path: '/reset-password', screenshot: 'reset-password' },
    {
      path: `/reset-password/change?${resetQuery}`,
      screenshot: 'reset-password-change',
    },
    { path: '/settings/security', screenshot: 'settings-security' },
  ]

  it('has security headers and no inline code', async () => {
    const page = await signIn()
    const violations: string[] = []
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) violations.push(message.text())
    })
    for (const { path } of PAGES) {
      const response = await page.goto(`${SITE_URL}${path}`)
      expect(response?.status(), path).toBe(200)
      expectSecurityHeaders(response)
      expect(await findInlineCode(page), path).toEqual([])
      expect(await page.locator('html').getAttribute('lang'), path).toBe('en')
      expect(await page.title(), path).toMatch(/ · edgeauth$/)
    }
    expect(violations).toEqual([])
  })

  it('fits a 320 px wide screen', async () => {
    const page = await signIn()
    for (const { path, screenshot } of PAGES) {
      await page.goto(`${SITE_URL}${path}`)
      expect(await contentWidth(page), path).toBeLessThanOrEqual(NARROW_VIEWPORT.width)
      await saveScreenshot(page, screenshot)
    }
  })

  it('labels every visible input', async () => {
    const page = await signIn()
    for (const { path } of PAGES) {
      await page.goto(`${SITE_URL}${path}`)
      expect(await unlabelledInputs(page), path).toEqual([])
    }
  })

  it('serves assets with a content type and a long cache', async () => {
    const page = await stack.newPage()
    await page.goto(`${SITE_URL}/login`)
    const stylesheet = await page.locator('link[rel=stylesheet]').getAttribute('href')
    const response = await stack.fetchWorker(stylesheet ?? '')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
  })
})
