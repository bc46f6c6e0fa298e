/** Request and response shapes of the API-token routes (Coder's `codersdk.APIKey` family). */
import { array, int, object, optional, string } from 'zod'
import { defineBody } from '../http/body'
import { goField, goInt64, goSlice, goString, goStruct } from '../http/go-json'
import { LoginType } from './schemas'

export const ApiKey = object({
  id: string(),
  user_id: string().meta({ format: 'uuid' }),
  last_used: string().meta({ format: 'date-time' }),
  expires_at: string().meta({ format: 'date-time' }),
  created_at: string().meta({ format: 'date-time' }),
  updated_at: string().meta({ format: 'date-time' }),
  login_type: LoginType,
  scope: string().meta({ description: 'The first scope, for clients that read one.' }),
  scopes: array(string()),
  token_name: string(),
  lifetime_seconds: int(),
}).meta({ id: 'codersdk.APIKey' })

export const ApiKeyWithOwner = ApiKey.extend({ username: string() }).meta({
  id: 'codersdk.APIKeyWithOwner',
})

export const GenerateApiKeyResponse = object({
  key: string().meta({ description: 'The token, `<id>-<secret>`; shown only once.' }),
}).meta({ id: 'codersdk.GenerateAPIKeyResponse' })

export const TokenConfig = object({
  max_token_lifetime: int().meta({ description: 'Nanoseconds.' }),
}).meta({ id: 'codersdk.TokenConfig' })

export const CreateTokenRequest = object({
  lifetime: optional(int().meta({ description: 'Nanoseconds; 0 means the 7-day default.' })),
  scope: optional(string().meta({ description: 'One scope; `scopes` replaces it.' })),
  scopes: optional(array(string()).meta({ description: 'Names from GET /auth/scopes.' })),
  token_name: optional(string()),
}).meta({ id: 'codersdk.CreateTokenRequest' })

export const CREATE_TOKEN_BODY = defineBody(
  goStruct('codersdk.CreateTokenRequest', [
    goField('lifetime', goInt64('time.Duration')),
    goField('scope', goString('codersdk.APIKeyScope')),
    goField('scopes', goSlice(goString('codersdk.APIKeyScope'))),
    goField('token_name', 'string'),
  ]),
  CreateTokenRequest,
  { checkSchema: false },
)
