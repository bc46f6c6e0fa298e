/**
 * The pages' stylesheet and script, each served under a path that contains a hash of its
 * content. A changed file gets a new path, so browsers may cache each path for a year.
 */
import type { Hono } from 'hono'
import type { AppEnv } from '../http/context'
import { PASSWORD_STRENGTH_SCRIPT } from './password-strength-script'
import { PAGE_STYLESHEET } from './styles'

/** `Cache-Control` of fingerprinted assets: one year (RFC 9111), never revalidated (RFC 8246). */
const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable'

export const STYLESHEET_PATH = `/assets/pages-${fingerprint(PAGE_STYLESHEET)}.css`
const STRENGTH_SCRIPT_HASH = fingerprint(PASSWORD_STRENGTH_SCRIPT)
export const STRENGTH_SCRIPT_PATH = `/assets/password-strength-${STRENGTH_SCRIPT_HASH}.js`

/** Mounts the asset routes. */
export function mountAssets(app: Hono<AppEnv>): void {
  app.get(STYLESHEET_PATH, (c) =>
    c.body(PAGE_STYLESHEET, 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': IMMUTABLE_CACHE_CONTROL,
    }),
  )
  app.get(STRENGTH_SCRIPT_PATH, (c) =>
    c.body(PASSWORD_STRENGTH_SCRIPT, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': IMMUTABLE_CACHE_CONTROL,
    }),
  )
}

/**
 * Returns the 32-bit FNV-1a hash of the UTF-16 code units of `text`, as 8 hex digits. It only
 * has to change when the content does; it is computed once per isolate, without async WebCrypto.
 */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}
