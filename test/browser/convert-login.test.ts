/**
 * The switch from password to OpenID Connect sign-in, started on /settings/security and finished
 * at the local OpenID Provider, in Chromium. The tests share one Worker and one user and run in
 * order: the failed attempt comes before the conversion.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createFirstUserByApi,
  createOidcAccount,
  findInlineCode,
  saveScreenshot,
  signInAtProviderAs,
  SITE_URL,
  startBrowserStack,
  type BrowserStack,
} from '../helpers/browser'

const OWNER = {
  email: 'owner@example.com',
  username: 'owner',
  password: 'SomeSecurePassword!',
}

let stack: BrowserStack
let loginHint: string

beforeAll(async () => {
  stack = await startBrowserStack()
  await createFirstUserByApi(stack, OWNER)
  loginHint = await createOidcAccount(stack.identity, OWNER.email)
})

afterAll(async () => {
  await stack?.stop()
})

/** Signs in with the password form and returns the status of the post. */
async function signInWithPassword(page: Page): Promise<number> {
  await page.goto(`${SITE_URL}/login`)
  await page.getByLabel('Email').fill(OWNER.email)
  await page.getByLabel('Password').fill(OWNER.password)
  const [posted] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ])
  await page.waitForLoadState()
  return posted.status()
}

/** Fills the conversion form and presses the OpenID Connect button. */
async function startConversion(page: Page, password: string): Promise<void> {
  await page.locator('#convert-password').fill(password)
  await page.getByRole('button', { name: 'Switch to OpenID Connect' }).click()
}

describe('/settings/security conversion to OIDC', () => {
  it('allows the provider origin as a form target', async () => {
    const page = await stack.newPage()
    await signInWithPassword(page)
    const response = await page.goto(`${SITE_URL}/settings/security`)
    const csp = response?.headers()['content-security-policy'] ?? ''
    const issuer = new URL(stack.identity.oidc.issuer).origin
    const github = new URL(stack.identity.github.webUrl).origin
    expect(csp).toContain(`form-action 'self' ${github} ${issuer};`)
    expect(await findInlineCode(page)).toEqual([])
  })

  it('keeps the password login after a wrong password', async () => {
    const page = await stack.newPage()
    expect(await signInWithPassword(page)).toBe(303)
    await startConversion(page, 'Wrong-Password-12345')
    await expect
      .poll(() => page.locator('#convert-heading ~ [role=alert]').textContent())
      .toBe('Incorrect email or password.')
    await saveScreenshot(page, 'settings-security-conversion-rejected')
    expect(await page.locator('main dl').textContent()).toContain('Password')
  })

  it('switches to OIDC at the provider, after which the password fails', async () => {
    const page = await stack.newPage()
    await signInAtProviderAs(page, stack.identity, loginHint)
    expect(await signInWithPassword(page)).toBe(303)
    await startConversion(page, OWNER.password)
    await page.waitForURL(`${SITE_URL}/login?notice=converted-oidc`)
    expect(await page.getByRole('status').textContent()).toContain(
      'Your account now signs in with OpenID Connect.',
    )
    const names = (await page.context().cookies(SITE_URL)).map((cookie) => cookie.name)
    expect(names).not.toContain('coder_session_token')
    expect(names).not.toContain('coder_oauth_convert_jwt')
    await saveScreenshot(page, 'login-after-conversion')

    // The conversion cleared the password hash, so the password matches nothing.
    expect(await signInWithPassword(page)).toBe(401)
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Incorrect email or password.')

    await page.getByRole('link', { name: 'Sign in with OpenID Connect' }).click()
    await page.waitForURL(`${SITE_URL}/settings/security`)
    expect(await page.locator('main dl').textContent()).toContain('OpenID Connect')
    expect(await page.locator('#change-password').count()).toBe(0)
    expect(await page.locator('#convert-password').count()).toBe(0)
    await saveScreenshot(page, 'settings-security-oidc')
  })
})
