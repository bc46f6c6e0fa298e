/**
 * Request bodies of the password-reset routes: Coder's Go structs with their validation tags,
 * paired with the zod schemas that the OpenAPI document shows.
 */
import { object, string } from 'zod'
import { defineBody } from '../http/body'
import { goField, goStruct } from '../http/go-json'

export const RequestOneTimePasscodeRequest = object({
  email: string().meta({ format: 'email' }),
}).meta({ id: 'codersdk.RequestOneTimePasscodeRequest' })

export const ChangePasswordWithOneTimePasscodeRequest = object({
  email: string().meta({ format: 'email' }),
  password: string(),
  one_time_passcode: string().meta({ example: '3f1c0f5e-9a7b-4c2d-8e11-0b6f4a2d9c10' }),
}).meta({ id: 'codersdk.ChangePasswordWithOneTimePasscodeRequest' })

export const REQUEST_ONE_TIME_PASSCODE_BODY = defineBody(
  goStruct('codersdk.RequestOneTimePasscodeRequest', [
    goField('email', 'string', 'required,email'),
  ]),
  RequestOneTimePasscodeRequest,
)

// Field order decides the order of Coder's validation entries: email, password, passcode.
export const CHANGE_PASSWORD_WITH_ONE_TIME_PASSCODE_BODY = defineBody(
  goStruct('codersdk.ChangePasswordWithOneTimePasscodeRequest', [
    goField('email', 'string', 'required,email'),
    goField('password', 'string', 'required'),
    goField('one_time_passcode', 'string', 'required'),
  ]),
  ChangePasswordWithOneTimePasscodeRequest,
)
