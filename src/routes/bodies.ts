/**
 * The Go structs that Coder decodes request bodies into, with their `validate` tags, each
 * paired with the zod schema of the same body for the OpenAPI document.
 */
import { defineBody } from '../http/body'
import { goField, goStruct } from '../http/go-json'
import {
  CreateFirstUserRequest,
  LoginWithPasswordRequest,
  ValidateUserPasswordRequest,
} from './schemas'

export const LOGIN_BODY = defineBody(
  goStruct('codersdk.LoginWithPasswordRequest', [
    goField('email', 'string', 'required,email'),
    goField('password', 'string', 'required'),
  ]),
  LoginWithPasswordRequest,
)

export const CREATE_FIRST_USER_BODY = defineBody(
  goStruct('codersdk.CreateFirstUserRequest', [
    goField('email', 'string', 'required,email'),
    goField('username', 'string', 'required,username'),
    goField('name', 'string', 'user_real_name'),
    goField('password', 'string', 'required'),
    goField('trial', 'bool'),
    goField(
      'trial_info',
      goStruct('codersdk.CreateFirstUserTrialInfo', [
        goField('first_name', 'string'),
        goField('last_name', 'string'),
        goField('phone_number', 'string'),
        goField('job_title', 'string'),
        goField('company_name', 'string'),
        goField('country', 'string'),
        goField('developers', 'string'),
      ]),
    ),
  ]),
  CreateFirstUserRequest,
)

export const VALIDATE_PASSWORD_BODY = defineBody(
  goStruct('codersdk.ValidateUserPasswordRequest', [goField('password', 'string', 'required')]),
  ValidateUserPasswordRequest,
)
