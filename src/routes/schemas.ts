/**
 * Request and response schemas of the wire contract (Coder's `codersdk` types). The OpenAPI
 * document is generated from these, and request bodies are validated against them.
 */
import { array, boolean, literal, object, optional, string, union } from 'zod'

export const CoderResponse = object({
  message: string(),
  detail: optional(string()),
  validations: optional(array(object({ field: string(), detail: string() }))),
}).meta({ id: 'codersdk.Response' })

export const LoginWithPasswordRequest = object({
  email: string().meta({ format: 'email' }),
  password: string(),
}).meta({ id: 'codersdk.LoginWithPasswordRequest' })

export const LoginWithPasswordResponse = object({
  session_token: string().meta({ example: 'abcDEF1234-abcdefghijklmnopqrstuv' }),
}).meta({ id: 'codersdk.LoginWithPasswordResponse' })

export const CreateFirstUserTrialInfo = object({
  first_name: optional(string()),
  last_name: optional(string()),
  phone_number: optional(string()),
  job_title: optional(string()),
  company_name: optional(string()),
  country: optional(string()),
  developers: optional(string()),
}).meta({ id: 'codersdk.CreateFirstUserTrialInfo' })

export const CreateFirstUserRequest = object({
  email: string().meta({ format: 'email' }),
  username: string(),
  name: optional(string()),
  password: string(),
  trial: optional(boolean()),
  trial_info: optional(CreateFirstUserTrialInfo),
}).meta({ id: 'codersdk.CreateFirstUserRequest' })

export const CreateFirstUserResponse = object({
  user_id: string().meta({ format: 'uuid' }),
  organization_id: string().meta({ format: 'uuid' }),
}).meta({ id: 'codersdk.CreateFirstUserResponse' })

export const ValidateUserPasswordRequest = object({
  password: string(),
}).meta({ id: 'codersdk.ValidateUserPasswordRequest' })

export const ValidateUserPasswordResponse = object({
  valid: boolean(),
  details: string(),
}).meta({ id: 'codersdk.ValidateUserPasswordResponse' })

export const LoginType = union([
  literal(''),
  literal('password'),
  literal('github'),
  literal('oidc'),
  literal('token'),
  literal('none'),
]).meta({ id: 'codersdk.LoginType' })

export const SlimRole = object({
  name: string(),
  display_name: string(),
  organization_id: optional(string()),
}).meta({ id: 'codersdk.SlimRole' })

export const User = object({
  id: string().meta({ format: 'uuid' }),
  username: string(),
  avatar_url: optional(string()),
  name: optional(string()),
  email: string().meta({ format: 'email' }),
  created_at: string().meta({ format: 'date-time' }),
  updated_at: string().meta({ format: 'date-time' }),
  last_seen_at: string().meta({ format: 'date-time' }),
  status: union([literal('active'), literal('dormant'), literal('suspended')]),
  login_type: LoginType,
  organization_ids: array(string().meta({ format: 'uuid' })),
  roles: array(SlimRole),
}).meta({ id: 'codersdk.User' })

export const AuthMethods = object({
  terms_of_service_url: optional(string()),
  password: object({ enabled: boolean() }),
  github: object({ enabled: boolean(), default_provider_configured: boolean() }),
  oidc: object({ enabled: boolean(), signInText: string(), iconUrl: string() }),
}).meta({ id: 'codersdk.AuthMethods' })

export const ExternalAPIKeyScopes = object({
  external: array(string()),
}).meta({ id: 'codersdk.ExternalAPIKeyScopes' })
