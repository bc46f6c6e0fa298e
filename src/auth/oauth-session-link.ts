/**
 * The session middleware's check for keys of GitHub and OpenID Connect sign-ins: such a key is
 * valid only while its user still has a link to the provider, as in Coder's API-key middleware.
 */
import type { ApiKeyRow } from '../db/api-keys'
import type { Database } from '../db/client'
import { findUserLink } from '../db/user-links'
import { formatGoTimeString } from '../time'

/** Provider names in Coder's expiry message. */
const PROVIDER_NAMES = { github: 'GitHub', oidc: 'OpenID Connect' } as const

/**
 * Returns the 401 `detail` for a GitHub or OIDC key whose user has no link to that provider,
 * or whose link expired, and null when the key may be used. Keys of other login types always
 * pass. edgeauth keeps no provider refresh token, so an expired link can never be refreshed.
 * Links created by edgeauth store no expiry, so only links imported from Coder can expire.
 * Reads D1 (strong). A database error is thrown for the caller to turn into a 500.
 */
export async function checkProviderLink(
  db: Database,
  key: Pick<ApiKeyRow, 'userId' | 'loginType'>,
  now: number,
): Promise<string | null> {
  if (key.loginType !== 'github' && key.loginType !== 'oidc') return null
  const link = await findUserLink(db, key.userId, key.loginType)
  if (!link) return 'You must re-authenticate with the login provider.'
  if (link.oauthExpiry !== null && link.oauthExpiry < now) {
    const provider = PROVIDER_NAMES[key.loginType]
    return `${provider} session expired at "${formatGoTimeString(link.oauthExpiry)}". Try signing in again.`
  }
  return null
}
