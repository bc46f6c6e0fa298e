import { describe, expect, it } from 'vitest'
import { buildOpenApiDocument } from '../scripts/openapi-document'
import { createApiRouter } from '../src/app'
import { routeDefinitions } from '../src/http/route'

describe('OpenAPI document', () => {
  it('matches the route definitions', async () => {
    const document = buildOpenApiDocument(routeDefinitions(createApiRouter()))
    // `npm run openapi` rewrites the file after a route or schema changes.
    await expect(`${JSON.stringify(document, null, 2)}\n`).toMatchFileSnapshot(
      '../src/openapi.json',
    )
  })
})
