/**
 * Coder's built-in organization roles with their exact permissions (`coderd/rbac/roles.go` of
 * Coder v2, 2025-09 defaults). They are stored on a membership as `<name>:<organization id>`.
 */

import {
  DORMANT_WORKSPACE_ACTIONS,
  WORKSPACE_WITHOUT_EXEC,
  deny,
  grant,
  grantAllExcept,
  organizationRole,
} from './role-builders'
import {
  ROLE_ORGANIZATION_ADMIN,
  ROLE_ORGANIZATION_AUDITOR,
  ROLE_ORGANIZATION_MEMBER,
  ROLE_ORGANIZATION_TEMPLATE_ADMIN,
  ROLE_ORGANIZATION_USER_ADMIN,
  ROLE_ORGANIZATION_WORKSPACE_CREATION_BAN,
} from './role-names'
import { RESOURCE_ACTIONS } from './resources'
import type { Role } from './roles'

export type OrganizationRoleFactory = (organizationId: string) => Role

export const ORGANIZATION_ROLES: ReadonlyMap<string, OrganizationRoleFactory> = new Map([
  [
    ROLE_ORGANIZATION_ADMIN,
    (id: string) =>
      // Site-wide user read lets the admin find users to add to the organization.
      organizationRole(ROLE_ORGANIZATION_ADMIN, id, grant({ user: ['read'] }), [
        ...grantAllExcept(
          'workspace',
          'workspace_dormant',
          'prebuilt_workspace',
          'assign_role',
          'user_secret',
        ),
        ...grant({
          workspace: WORKSPACE_WITHOUT_EXEC,
          workspace_dormant: DORMANT_WORKSPACE_ACTIONS,
          prebuilt_workspace: ['update', 'delete'],
        }),
      ]),
  ],
  [
    ROLE_ORGANIZATION_MEMBER,
    (id: string) =>
      organizationRole(
        ROLE_ORGANIZATION_MEMBER,
        id,
        [],
        grant({ provisioner_daemon: ['read'], organization: ['read'], assign_org_role: ['read'] }),
      ),
  ],
  [
    ROLE_ORGANIZATION_AUDITOR,
    (id: string) =>
      organizationRole(
        ROLE_ORGANIZATION_AUDITOR,
        id,
        [],
        grant({
          audit_log: ['read'],
          connection_log: ['read'],
          template: ['read', 'view_insights'],
          group: ['read'],
          group_member: ['read'],
          organization: ['read'],
          organization_member: ['read'],
        }),
      ),
  ],
  [
    ROLE_ORGANIZATION_USER_ADMIN,
    (id: string) =>
      organizationRole(
        ROLE_ORGANIZATION_USER_ADMIN,
        id,
        grant({ user: ['read'] }),
        grant({
          assign_org_role: ['assign', 'unassign', 'read'],
          organization: ['read'],
          organization_member: ['create', 'read', 'update', 'delete'],
          group: ['create', 'read', 'update', 'delete'],
          group_member: ['read'],
          idpsync_settings: ['read', 'update'],
        }),
      ),
  ],
  [
    ROLE_ORGANIZATION_TEMPLATE_ADMIN,
    (id: string) =>
      organizationRole(
        ROLE_ORGANIZATION_TEMPLATE_ADMIN,
        id,
        [],
        grant({
          template: RESOURCE_ACTIONS.template,
          file: ['create', 'read'],
          workspace: ['read'],
          prebuilt_workspace: ['update', 'delete'],
          organization: ['read'],
          organization_member: ['read'],
          group: ['read'],
          group_member: ['read'],
          provisioner_daemon: ['create', 'read', 'update', 'delete'],
          provisioner_jobs: ['read', 'update', 'create'],
        }),
      ),
  ],
  [
    ROLE_ORGANIZATION_WORKSPACE_CREATION_BAN,
    // Denials at org level beat the member's user-level workspace grants in that organization.
    (id: string) =>
      organizationRole(
        ROLE_ORGANIZATION_WORKSPACE_CREATION_BAN,
        id,
        [],
        deny('workspace', ['create', 'delete', 'create_agent', 'delete_agent']),
      ),
  ],
])
