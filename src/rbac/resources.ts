/**
 * Resource types and actions of Coder's RBAC model, as generated into `coderd/rbac/object_gen.go`
 * and `coderd/rbac/policy/policy.go` of Coder v2 (2025-09).
 *
 * The table is informational for the evaluator, which never checks that an action belongs to a
 * type (Coder's production authorizer does not either). It is the source for the "every type
 * except …" permission lists of the built-in roles and for validating scope names.
 */

/** The wildcard: as a resource type it matches every type, as an action every action. */
export const WILDCARD = '*'

/** Every action name Coder defines, in the order of Coder's `policy.go`. */
export const ACTIONS = [
  'create',
  'read',
  'update',
  'delete',
  'use',
  'ssh',
  'application_connect',
  'view_insights',
  'start',
  'stop',
  'assign',
  'unassign',
  'read_personal',
  'update_personal',
  'create_agent',
  'delete_agent',
] as const

export type Action = (typeof ACTIONS)[number]

// Actions of a workspace; a dormant workspace has the same set (Coder's policy.go shares it).
const WORKSPACE_ACTIONS = [
  'create',
  'read',
  'update',
  'delete',
  'start',
  'stop',
  'ssh',
  'application_connect',
  'create_agent',
  'delete_agent',
] as const satisfies readonly Action[]

/**
 * The 39 concrete resource types with the actions Coder defines for each. The wildcard type `*`
 * has no actions of its own and is not a key here.
 */
export const RESOURCE_ACTIONS = {
  api_key: ['create', 'read', 'update', 'delete'],
  assign_org_role: ['assign', 'unassign', 'create', 'read', 'update', 'delete'],
  assign_role: ['assign', 'unassign', 'read'],
  audit_log: ['read', 'create'],
  connection_log: ['read', 'update'],
  crypto_key: ['read', 'update', 'delete', 'create'],
  debug_info: ['read'],
  deployment_config: ['read', 'update'],
  deployment_stats: ['read'],
  file: ['create', 'read'],
  group: ['create', 'read', 'delete', 'update'],
  group_member: ['read'],
  idpsync_settings: ['read', 'update'],
  inbox_notification: ['create', 'read', 'update'],
  license: ['create', 'read', 'delete'],
  notification_message: ['create', 'read', 'update', 'delete'],
  notification_preference: ['read', 'update'],
  notification_template: ['read', 'update'],
  oauth2_app: ['create', 'read', 'update', 'delete'],
  oauth2_app_code_token: ['create', 'read', 'delete'],
  oauth2_app_secret: ['create', 'read', 'update', 'delete'],
  organization: ['create', 'read', 'update', 'delete'],
  organization_member: ['create', 'read', 'update', 'delete'],
  prebuilt_workspace: ['update', 'delete'],
  provisioner_daemon: ['create', 'read', 'update', 'delete'],
  provisioner_jobs: ['read', 'update', 'create'],
  replicas: ['read'],
  // Deprecated catch-all that Coder keeps for internal callers.
  system: ['create', 'read', 'update', 'delete'],
  tailnet_coordinator: ['create', 'read', 'update', 'delete'],
  template: ['create', 'use', 'read', 'update', 'delete', 'view_insights'],
  usage_event: ['create', 'read', 'update'],
  user: ['read', 'create', 'update', 'delete', 'read_personal', 'update_personal'],
  user_secret: ['create', 'read', 'update', 'delete'],
  webpush_subscription: ['create', 'read', 'delete'],
  workspace: WORKSPACE_ACTIONS,
  workspace_agent_devcontainers: ['create'],
  workspace_agent_resource_monitor: ['read', 'create', 'update'],
  workspace_dormant: WORKSPACE_ACTIONS,
  workspace_proxy: ['create', 'delete', 'update', 'read'],
} as const satisfies Record<string, readonly Action[]>

export type ResourceType = keyof typeof RESOURCE_ACTIONS

/** The concrete resource types in byte order (the wildcard excluded). */
export const RESOURCE_TYPES: readonly ResourceType[] = Object.freeze(
  (Object.keys(RESOURCE_ACTIONS) as ResourceType[]).sort(),
)

/** Reports whether `value` names one of the concrete resource types. */
export function isResourceType(value: string): value is ResourceType {
  return Object.hasOwn(RESOURCE_ACTIONS, value)
}

/** Reports whether `action` is defined for `type`; the wildcard action counts for every type. */
export function isResourceAction(type: string, action: string): boolean {
  if (!isResourceType(type)) return false
  if (action === WILDCARD) return true
  return (RESOURCE_ACTIONS[type] as readonly string[]).includes(action)
}
