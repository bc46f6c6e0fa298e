/**
 * Password reset in Chromium: the request page, the link mailed through the SMTP peer, the
 * new-password page with live strength feedback, and the password change of a signed-in user.
 * The tests share one Worker and one user and run in order, each password following from the
 * test before.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createFirstUserByApi,
  findInlineCode,
  saveScreenshot,
  SITE_URL,
  startBrowserStack,
  waitForResetLink,
  type BrowserStack,
} from '../helpers/browser'

const OWNER = {
  email: 'owner@example.com',
  username: 'owner',
  password: 'SomeSecurePassword!',
}
const RESET_PASSWORD = 'Another-Secure-Passphrase-42'
const CHANGED_PASSWORD = 'Yet-Another-Secure-Passphrase-43'
const NO_SCRIPT_PASSWORD = 'Plain-Form-Passphrase-Without-Script-44'

let stack: BrowserStack

beforeAll(async () => {
  stack = await startBrowserStack()
  await createFirstUserByApi(stack, OWNER)
})

afterAll(async () => {
  await stack?.stop()
})

/** Submits the reset request form for `email` and returns the confirmation text. */
async function requestReset(page: Page, email: string): Promise<string> {
  await page.goto(`${SITE_URL}/reset-password`)
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: /^Send/ }).click()
  await page.waitForURL(`${SITE_URL}/reset-password?sent=1`)
  return (await page.getByRole('status').textContent()) ?? ''
}

/** Signs in through the form and returns the status of the post. */
async function signIn(page: Page, password: string): Promise<number> {
  await page.goto(`${SITE_URL}/login`)
  await page.getByLabel('Email').fill(OWNER.email)
  await page.getByLabel('Password').fill(password)
  const [posted] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ])
  await page.waitForLoadState()
  return posted.status()
}

describe('/reset-password', () => {
  it('shows the same confirmation for unknown and known emails', async () => {
    const page = await stack.newPage()
    await page.goto(`${SITE_URL}/reset-password`)
    expect(await findInlineCode(page)).toEqual([])
    const unknown = await requestReset(page, 'nobody@example.com')
    const known = await requestReset(page, OWNER.email)
    expect(unknown).toContain('If an account uses that email')
    expect(unknown).toContain('20 minutes')
    expect(known).toBe(unknown)
    await saveScreenshot(page, 'reset-password-sent')
  })

  it('shows the API validation message for an invalid email', async () => {
    const page = await stack.newPage()
    await page.goto(`${SITE_URL}/reset-password`)
    await page.getByLabel('Email').fill('not-an-email')
    await page.getByRole('button', { name: 'Send link' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Validation failed.')
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true')
  })
})

describe('/reset-password/change', () => {
  it('sets a new password from the mailed link', async () => {
    const link = await waitForResetLink(stack, OWNER.email)
    expect(new URL(link).origin).toBe(SITE_URL)
    expect(new URL(link).pathname).toBe('/reset-password/change')

    const page = await stack.newPage()
    await page.goto(link)
    expect(await findInlineCode(page)).toEqual([])
    expect(await page.locator('main').textContent()).toContain(OWNER.email)
    const password = page.getByLabel('New password')
    const feedback = page.locator('#new-password-password-strength')
    expect(await password.getAttribute('aria-describedby')).toContain(
      'new-password-password-strength',
    )

    await password.pressSequentially('password')
    await expect.poll(() => feedback.textContent()).toMatch(/^insecure password/)
    await saveScreenshot(page, 'reset-password-change-feedback')
    await password.fill(RESET_PASSWORD)
    await expect.poll(() => feedback.textContent()).toBe('This password meets the strength rules.')

    await password.fill('password')
    const [weak] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Change password' }).click(),
    ])
    expect(weak.status()).toBe(400)
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Invalid password.')
    expect(await page.locator('#new-password-password-error').textContent()).toMatch(
      /^insecure password/,
    )
    expect(await page.getByLabel('New password').inputValue()).toBe('')

    await page.getByLabel('New password').fill(RESET_PASSWORD)
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.waitForURL(`${SITE_URL}/login?notice=password-reset`)
    expect(await page.getByRole('status').textContent()).toContain('Your password was changed.')

    expect(await signIn(page, OWNER.password)).toBe(401)
    expect(await signIn(page, RESET_PASSWORD)).toBe(303)
    expect(page.url()).toBe(`${SITE_URL}/settings/security`)
  })

  it('rejects a link that was already used', async () => {
    const link = await waitForResetLink(stack, OWNER.email)
    const page = await stack.newPage()
    await page.goto(link)
    await page.getByLabel('New password').fill('Unused-Secure-Passphrase-99')
    const [posted] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Change password' }).click(),
    ])
    expect(posted.status()).toBe(400)
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Incorrect email or one-time passcode.')
    expect(await page.content()).not.toContain('Unused-Secure-Passphrase-99')
  })

  it('works without JavaScript', async () => {
    const page = await stack.newPage({ javaScript: false })
    await requestReset(page, OWNER.email)
    const link = await waitForResetLink(stack, OWNER.email, 2)
    await page.goto(link)
    await page.getByLabel('New password').fill(NO_SCRIPT_PASSWORD)
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.waitForURL(`${SITE_URL}/login?notice=password-reset`)
    expect(await signIn(page, NO_SCRIPT_PASSWORD)).toBe(303)
  })

  it('explains an incomplete link', async () => {
    const page = await stack.newPage()
    const response = await page.goto(`${SITE_URL}/reset-password/change?email=owner%40example.com`)
    expect(response?.status()).toBe(400)
    expect(await page.getByRole('alert').textContent()).toContain('This link is incomplete')
    await saveScreenshot(page, 'reset-password-change-incomplete')
  })
})

describe('/settings/security password change', () => {
  it('checks the current password, then changes it', async () => {
    const page = await stack.newPage()
    expect(await signIn(page, NO_SCRIPT_PASSWORD)).toBe(303)

    await page.getByLabel('Current password', { exact: true }).first().fill('Wrong-Password-12345')
    await page.getByLabel('New password').fill(CHANGED_PASSWORD)
    const [wrong] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Change password' }).click(),
    ])
    expect(wrong.status()).toBe(400)
    const oldPassword = page.locator('#change-old_password')
    expect(await oldPassword.getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#change-old_password-error').textContent()).toBe(
      'Old password is incorrect.',
    )
    await saveScreenshot(page, 'settings-security-wrong-password')

    await oldPassword.fill(NO_SCRIPT_PASSWORD)
    await page.locator('#change-password').fill(CHANGED_PASSWORD)
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.waitForURL(`${SITE_URL}/settings/security?notice=password-changed`)
    expect(await page.getByRole('status').textContent()).toBe('Your password was changed.')

    const other = await stack.newPage()
    expect(await signIn(other, NO_SCRIPT_PASSWORD)).toBe(401)
    expect(await signIn(other, CHANGED_PASSWORD)).toBe(303)
  })
})
