/**
 * Request and response shapes of the login-type conversion and the GitHub and OpenID Connect
 * callbacks (Coder's `codersdk.ConvertLoginRequest` and `codersdk.OAuthConversionResponse`).
 */
import { object, optional, string } from 'zod'
import { defineBody } from '../http/body'
import { goField, goString, goStruct } from '../http/go-json'
import { LoginType } from './schemas'

export const ConvertLoginRequest = object({
  // Any string decodes, as in Go, and the handler returns 400 for values other than these two.
  to_type: string().meta({
    description: 'A `codersdk.LoginType`; only `github` and `oidc` can be converted to.',
    example: 'oidc',
  }),
  password: string().meta({ description: "The target user's current password." }),
}).meta({ id: 'codersdk.ConvertLoginRequest' })

export const OAuthConversionResponse = object({
  state_string: string().meta({
    description: 'Pass as `oidc_merge_state` to the callback of the provider.',
    example: 'convert-0123456789abcdefghijABCDEFGHIJ0123',
  }),
  expires_at: string().meta({ format: 'date-time' }),
  to_type: LoginType,
  user_id: string().meta({ format: 'uuid' }),
}).meta({ id: 'codersdk.OAuthConversionResponse' })

export const CONVERT_LOGIN_BODY = defineBody(
  goStruct('codersdk.ConvertLoginRequest', [
    goField('to_type', goString('codersdk.LoginType'), 'required'),
    goField('password', 'string', 'required'),
  ]),
  ConvertLoginRequest,
)

export const OAuthCallbackQuery = object({
  code: optional(string().meta({ description: "The provider's authorization code (second leg)." })),
  state: optional(string().meta({ description: 'The state sent in the first leg.' })),
  error: optional(string().meta({ description: 'An error the provider reports.' })),
  redirect: optional(
    string().meta({ description: 'First leg: the path on this site to return to afterwards.' }),
  ),
  oidc_merge_state: optional(
    string().meta({ description: 'First leg: the `state_string` of a login-type conversion.' }),
  ),
})
