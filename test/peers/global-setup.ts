/**
 * Vitest global setup: starts the protocol peers that tests talk to on 127.0.0.1 (mail and
 * webhook receivers, an OpenID Provider, a GitHub stand-in) and provides their addresses to the
 * tests through `inject`.
 */
import type { TestProject } from 'vitest/node'
import { startIdentityPeers } from './identity'
import { startMailPeers } from './mail'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops = [await startMailPeers(project), await startIdentityPeers(project)]
  return async () => {
    await Promise.all(stops.map((stop) => stop()))
  }
}
