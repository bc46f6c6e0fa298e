/**
 * `GET /buildinfo` and `GET /`: unauthenticated routes Coder's CLI and dashboard call first to
 * learn the server version.
 */
import type { ApiRouter } from '../http/route'
import { boolean, object, string } from 'zod'
import { coderResponse, jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute } from '../http/route'
import { BUILD_VERSION } from '../version'
import { CoderResponse } from './schemas'

const BuildInfoResponse = object({
  external_url: string(),
  version: string(),
  dashboard_url: string(),
  telemetry: boolean(),
  workspace_proxy: boolean(),
  agent_api_version: string(),
  provisioner_api_version: string(),
  upgrade_message: string(),
  deployment_id: string(),
}).meta({ id: 'codersdk.BuildInfoResponse' })

/** Source repository reported as `external_url`; Coder reports its own repository here. */
const EXTERNAL_URL = 'https://github.com/coder/coder'

/** Returns Coder's greeting for `/api/v2` and `/api/v2/`, as Coder's router does for both. */
export function answerApiRoot(): Response {
  return jsonResponse(200, coderResponse('👋'))
}

export function mountBuildInfoRoutes(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'get',
      path: '/',
      tags: ['General'],
      summary: 'Check that the API is up',
      responses: { 200: { description: 'Up.', content: json(CoderResponse) } },
    },
    answerApiRoot,
  )

  mountRoute(
    api,
    {
      method: 'get',
      path: '/buildinfo',
      tags: ['General'],
      summary: 'Get the server version',
      responses: { 200: { description: 'Build information.', content: json(BuildInfoResponse) } },
    },
    (c) => {
      const dashboardUrl = c.var.config.accessUrl ?? new URL(c.req.url).origin
      return jsonResponse(200, {
        external_url: EXTERNAL_URL,
        version: BUILD_VERSION,
        dashboard_url: dashboardUrl,
        telemetry: false,
        workspace_proxy: false,
        agent_api_version: '',
        provisioner_api_version: '',
        upgrade_message: '',
        deployment_id: '',
      })
    },
  )
}
