/**
 * Coder's built-in site-wide roles with their exact permissions (`coderd/rbac/roles.go` of
 * Coder v2, 2025-09 defaults). They are stored in `users.rbac_roles`.
 */

import {
  DORMANT_WORKSPACE_ACTIONS,
  WORKSPACE_ALL,
  WORKSPACE_WITHOUT_EXEC,
  grant,
  grantAllExcept,
  siteRole,
} from './role-builders'
import {
  ROLE_AUDITOR,
  ROLE_MEMBER,
  ROLE_OWNER,
  ROLE_TEMPLATE_ADMIN,
  ROLE_USER_ADMIN,
} from './role-names'
import type { Action } from './resources'
import { RESOURCE_ACTIONS } from './resources'
import type { Role } from './roles'

function buildOwner(workspaceActions: readonly Action[]): Role {
  return siteRole(ROLE_OWNER, [
    // Workspaces are enumerated so the exec switch can remove ssh and application_connect. Owners
    // get no user_secret (secrets stay with their owner) and no usage_event (system-only).
    ...grantAllExcept(
      'workspace_dormant',
      'prebuilt_workspace',
      'workspace',
      'user_secret',
      'usage_event',
    ),
    ...grant({
      workspace: workspaceActions,
      workspace_dormant: DORMANT_WORKSPACE_ACTIONS,
      prebuilt_workspace: ['update', 'delete'],
    }),
  ])
}

export const OWNER = buildOwner(WORKSPACE_ALL)
export const OWNER_WITHOUT_WORKSPACE_EXEC = buildOwner(WORKSPACE_WITHOUT_EXEC)

const MEMBER = siteRole(
  ROLE_MEMBER,
  grant({ assign_role: ['read'], oauth2_app: ['read'], workspace_proxy: ['read'] }),
  [
    // Everything a user owns, except what the explicit lists below narrow down.
    ...grantAllExcept('workspace_dormant', 'prebuilt_workspace', 'user', 'organization_member'),
    ...grant({
      workspace_dormant: DORMANT_WORKSPACE_ACTIONS,
      // Users may not create, update or delete themselves, only read and edit personal data.
      user: ['read', 'read_personal', 'update_personal'],
      organization_member: ['read'],
      // Redundant with the wildcard above; kept because Coder's member role lists it.
      provisioner_daemon: ['read', 'create', 'update'],
    }),
  ],
)

const AUDITOR = siteRole(
  ROLE_AUDITOR,
  grant({
    assign_org_role: ['read'],
    audit_log: ['read'],
    connection_log: ['read'],
    // Auditors see the resources that audit log entries refer to.
    template: ['read', 'view_insights'],
    user: ['read'],
    group: ['read'],
    group_member: ['read'],
    organization: ['read'],
    organization_member: ['read'],
    deployment_stats: ['read'],
    deployment_config: ['read'],
  }),
)

const TEMPLATE_ADMIN = siteRole(
  ROLE_TEMPLATE_ADMIN,
  grant({
    assign_org_role: ['read'],
    template: RESOURCE_ACTIONS.template,
    file: ['create', 'read'],
    workspace: ['read'],
    prebuilt_workspace: ['update', 'delete'],
    provisioner_daemon: ['create', 'read', 'update', 'delete'],
    user: ['read'],
    group: ['read'],
    group_member: ['read'],
    organization: ['read'],
    organization_member: ['read'],
  }),
)

const USER_ADMIN = siteRole(
  ROLE_USER_ADMIN,
  grant({
    assign_role: ['assign', 'unassign', 'read'],
    // Creating a user always places it in an organization, so organization roles are needed too.
    assign_org_role: ['assign', 'unassign', 'read'],
    user: ['create', 'read', 'update', 'delete', 'update_personal', 'read_personal'],
    group: ['create', 'read', 'update', 'delete'],
    group_member: ['read'],
    organization: ['read'],
    organization_member: ['create', 'read', 'update', 'delete'],
    idpsync_settings: ['read', 'update'],
  }),
)

export const SITE_ROLES: ReadonlyMap<string, Role> = new Map([
  [ROLE_MEMBER, MEMBER],
  [ROLE_AUDITOR, AUDITOR],
  [ROLE_TEMPLATE_ADMIN, TEMPLATE_ADMIN],
  [ROLE_USER_ADMIN, USER_ADMIN],
])
