/** Request and response of `POST /authcheck` (Coder's `codersdk.Authorization*` types). */
import { boolean, object, optional, record, string } from 'zod'
import { defineBody } from '../http/body'
import { goField, goMap, goString, goStruct } from '../http/go-json'

export const AuthorizationObject = object({
  resource_type: string().meta({ description: 'Required by the handler, e.g. `workspace`.' }),
  owner_id: optional(string().meta({ description: 'A user id, or `me` for the caller.' })),
  organization_id: optional(string()),
  resource_id: optional(
    string().meta({ format: 'uuid', description: 'Only for workspace, template, user, group.' }),
  ),
  any_org: optional(boolean()),
}).meta({ id: 'codersdk.AuthorizationObject' })

export const AuthorizationCheck = object({
  action: optional(string().meta({ example: 'read' })),
  object: optional(AuthorizationObject),
}).meta({ id: 'codersdk.AuthorizationCheck' })

export const AuthorizationRequest = object({
  checks: optional(record(string(), AuthorizationCheck)),
}).meta({ id: 'codersdk.AuthorizationRequest' })

export const AuthorizationResponse = record(string(), boolean()).meta({
  id: 'codersdk.AuthorizationResponse',
})

export const AUTHORIZATION_REQUEST_BODY = defineBody(
  goStruct('codersdk.AuthorizationRequest', [
    goField(
      'checks',
      goMap(
        goStruct('codersdk.AuthorizationCheck', [
          goField(
            'object',
            goStruct('codersdk.AuthorizationObject', [
              goField('resource_type', goString('codersdk.RBACResource')),
              goField('owner_id', 'string'),
              goField('organization_id', 'string'),
              goField('resource_id', 'string'),
              goField('any_org', 'bool'),
            ]),
          ),
          goField('action', goString('codersdk.RBACAction')),
        ]),
      ),
    ),
  ]),
  AuthorizationRequest,
  { checkSchema: false },
)
