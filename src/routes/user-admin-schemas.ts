/**
 * Request and response schemas of user, role and membership management (Coder's `codersdk`
 * types of Coder v2, 2025-09). Request fields that Coder types as enums are plain strings here,
 * because the handlers reject an unknown value with Coder's own 400, not a schema error.
 */
import { array, boolean, number, object, optional, string } from 'zod'
import { SlimRole, User } from './schemas'

const UUID = string().meta({ format: 'uuid' })
const DATE_TIME = string().meta({ format: 'date-time' })

export const CreateUserRequestWithOrgs = object({
  email: string().meta({ format: 'email' }),
  username: string(),
  name: optional(string()),
  password: optional(string().meta({ description: 'Required when `login_type` is `password`.' })),
  login_type: optional(
    string().meta({
      description: '`password` (the default when empty), `none`, `github` or `oidc`.',
      enum: ['', 'password', 'none', 'github', 'oidc'],
    }),
  ),
  user_status: optional(
    string().meta({
      description: 'Status of the new user, `dormant` when empty or missing.',
      enum: ['active', 'dormant', 'suspended'],
    }),
  ),
  organization_ids: optional(
    array(UUID).meta({
      description:
        'Organizations the user joins, at least one. The nil UUID means the ' +
        'default organization.',
    }),
  ),
  organization_id: optional(
    string().meta({
      format: 'uuid',
      deprecated: true,
      description: 'One organization from older clients, added to `organization_ids`.',
    }),
  ),
}).meta({ id: 'codersdk.CreateUserRequestWithOrgs' })

export const GetUsersResponse = object({
  users: array(User),
  count: number().int(),
}).meta({ id: 'codersdk.GetUsersResponse' })

export const Permission = object({
  negate: boolean(),
  resource_type: string(),
  action: string(),
}).meta({ id: 'codersdk.Permission' })

export const AssignableRoles = object({
  name: string(),
  organization_id: optional(UUID),
  display_name: string(),
  site_permissions: array(Permission),
  organization_permissions: array(Permission),
  user_permissions: array(Permission),
  assignable: boolean().meta({ description: 'Whether the caller may assign this role.' }),
  built_in: boolean(),
}).meta({ id: 'codersdk.AssignableRoles' })

export const UpdateRoles = object({
  roles: array(string()),
}).meta({ id: 'codersdk.UpdateRoles' })

export const UpdateUserPasswordRequest = object({
  old_password: optional(
    string().meta({ description: 'Required when users change their own password.' }),
  ),
  password: string(),
}).meta({ id: 'codersdk.UpdateUserPasswordRequest' })

export const OrganizationMember = object({
  user_id: UUID,
  organization_id: UUID,
  created_at: DATE_TIME,
  updated_at: DATE_TIME,
  roles: array(SlimRole),
}).meta({ id: 'codersdk.OrganizationMember' })

export const OrganizationMemberWithUserData = object({
  username: string(),
  name: string(),
  avatar_url: string(),
  email: string(),
  global_roles: array(SlimRole),
  user_id: UUID,
  organization_id: UUID,
  created_at: DATE_TIME,
  updated_at: DATE_TIME,
  roles: array(SlimRole),
}).meta({ id: 'codersdk.OrganizationMemberWithUserData' })
