/**
 * Authorization cases as data, shared by the engine tests (Node) and the HTTP suite that replays
 * the buildable ones through `POST /api/v2/authcheck`.
 *
 * Sources: Coder v2 `coderd/rbac/roles_test.go` (TestRolePermissions, TestOwnerExec),
 * `coderd/rbac/authz_internal_test.go` (TestAuthorizeDomain and neighbours),
 * `coderd/authorize_test.go` (the HTTP checks), plus derived cases read off Coder's policy.rego
 * that Coder's tests do not assert (named "derived").
 *
 * Ids are fixed placeholders (`CASE_IDS`). An HTTP replay must create users and organizations,
 * then map the placeholders onto their real ids; `toAuthcheckObject` does the `owner_id: "me"`
 * part.
 */

import type { Role, Scope } from '../src/rbac'

export const CASE_IDS = {
  /** The user the objects belong to ("me" in Coder's tests). */
  ME: '00000000-0000-4000-8000-0000000000e0',
  /** Ids of admin subjects, shared as in Coder's roles_test.go. */
  ADMIN_1: '00000000-0000-4000-8000-0000000000a1',
  ADMIN_2: '00000000-0000-4000-8000-0000000000a2',
  ADMIN_3: '00000000-0000-4000-8000-0000000000a3',
  ADMIN_4: '00000000-0000-4000-8000-0000000000a4',
  OTHER_ORG_MEMBER: '00000000-0000-4000-8000-0000000000b1',
  OTHER_ORG_ADMIN: '00000000-0000-4000-8000-0000000000b2',
  /** A user id that belongs to no subject. */
  SOMEONE_ELSE: '00000000-0000-4000-8000-0000000000c1',
  PREBUILDS_USER: 'c42fdf75-3097-471c-8c33-fb52454d81c0',
  /** The organization the org-scoped subjects belong to (Coder's "default org"). */
  ORG: '00000000-0000-4000-8000-00000000f001',
  /** A second organization (Coder's "other org" or "unrelated org"). */
  OTHER_ORG: '00000000-0000-4000-8000-00000000f002',
  GROUP: '00000000-0000-4000-8000-00000000d001',
  WORKSPACE: '00000000-0000-4000-8000-00000000e001',
  OTHER_WORKSPACE: '00000000-0000-4000-8000-00000000e002',
  TEMPLATE: '00000000-0000-4000-8000-00000000e003',
  FILE: '00000000-0000-4000-8000-00000000e004',
  API_KEY: '00000000-0000-4000-8000-00000000e005',
  NOTIFICATION: '00000000-0000-4000-8000-00000000e006',
  PREBUILT_WORKSPACE: '00000000-0000-4000-8000-00000000e007',
  NIL: '00000000-0000-0000-0000-000000000000',
} as const

const ID = CASE_IDS

/** Group id that Coder's authz_internal_test.go uses for its all-users group. */
export const EVERYONE_GROUP = 'Everyone'

export interface CaseSubject {
  readonly id: string
  readonly roles: readonly (string | Role)[]
  readonly groups?: readonly string[]
  /** Scope names or expanded scopes; omitted means `coder:all`. */
  readonly scopes?: readonly (string | Scope)[]
  readonly disableOwnerWorkspaceAccess?: boolean
}

export interface CaseObject {
  readonly type: string
  readonly id?: string
  readonly owner?: string
  readonly orgOwner?: string
  readonly anyOrg?: boolean
  readonly aclUserList?: Readonly<Record<string, readonly string[]>>
  readonly aclGroupList?: Readonly<Record<string, readonly string[]>>
}

export const WORKSPACE_ACTIONS = [
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
] as const

/** Workspace actions without ssh and application_connect ("non-exec" in Coder's tests). */
export const WORKSPACE_NON_EXEC_ACTIONS = WORKSPACE_ACTIONS.filter(
  (action) => action !== 'ssh' && action !== 'application_connect',
)

const member = 'member'
const orgMember = (org: string) => `organization-member:${org}`
const orgAdmin = (org: string) => `organization-admin:${org}`
const orgAuditor = (org: string) => `organization-auditor:${org}`
const orgUserAdmin = (org: string) => `organization-user-admin:${org}`
const orgTemplateAdmin = (org: string) => `organization-template-admin:${org}`
const orgBan = (org: string) => `organization-workspace-creation-ban:${org}`

/** The subjects of Coder's TestRolePermissions, by short code. */
export const ROLE_SUBJECTS = {
  M: { id: ID.ME, roles: [member] },
  OM: { id: ID.ME, roles: [member, orgMember(ID.ORG)] },
  BAN: { id: ID.ME, roles: [member, orgMember(ID.ORG), orgBan(ID.ORG)] },
  GM: { id: ID.ME, roles: [member, orgMember(ID.ORG)], groups: [ID.GROUP] },
  O: { id: ID.ADMIN_1, roles: [member, 'owner'] },
  TA: { id: ID.ADMIN_2, roles: [member, 'template-admin'] },
  UA: { id: ID.ADMIN_3, roles: [member, 'user-admin'] },
  AUD: { id: ID.ADMIN_4, roles: [member, 'auditor'] },
  OA: { id: ID.ADMIN_1, roles: [member, orgMember(ID.ORG), orgAdmin(ID.ORG)] },
  OAUD: { id: ID.ADMIN_4, roles: [member, orgMember(ID.ORG), orgAuditor(ID.ORG)] },
  OUA: { id: ID.ADMIN_2, roles: [member, orgMember(ID.ORG), orgUserAdmin(ID.ORG)] },
  OTA: { id: ID.ADMIN_3, roles: [member, orgMember(ID.ORG), orgTemplateAdmin(ID.ORG)] },
  'X-M': { id: ID.OTHER_ORG_MEMBER, roles: [member, orgMember(ID.OTHER_ORG)] },
  'X-OA': {
    id: ID.OTHER_ORG_ADMIN,
    roles: [member, orgMember(ID.OTHER_ORG), orgAdmin(ID.OTHER_ORG)],
  },
  'X-OAUD': { id: ID.ADMIN_1, roles: [member, orgMember(ID.OTHER_ORG), orgAuditor(ID.OTHER_ORG)] },
  'X-OUA': { id: ID.ADMIN_1, roles: [member, orgMember(ID.OTHER_ORG), orgUserAdmin(ID.OTHER_ORG)] },
  'X-OTA': {
    id: ID.ADMIN_1,
    roles: [member, orgMember(ID.OTHER_ORG), orgTemplateAdmin(ID.OTHER_ORG)],
  },
} as const satisfies Record<string, CaseSubject>

export type SubjectCode = keyof typeof ROLE_SUBJECTS

export const SUBJECT_CODES = Object.keys(ROLE_SUBJECTS) as SubjectCode[]

/** One row of the role matrix: every listed subject gets the stated result for every action. */
export interface RoleMatrixCase {
  /** Coder's test case name, or a description for rows Coder's tests do not name. */
  readonly name: string
  readonly object: CaseObject
  readonly actions: readonly string[]
  readonly allowed: readonly SubjectCode[]
  readonly denied: readonly SubjectCode[]
}

const OTHER_ORG_SUBJECTS: readonly SubjectCode[] = ['X-M', 'X-OA', 'X-OAUD', 'X-OUA', 'X-OTA']
const ORG_ADMIN_SUBJECTS: readonly SubjectCode[] = ['OA', 'OAUD', 'OUA', 'OTA']
// Everyone without a site-wide grant for deployment-level resources (auditor left out, because
// it may read some of them).
const NON_OWNER_SUBJECTS: readonly SubjectCode[] = [
  ...OTHER_ORG_SUBJECTS,
  ...ORG_ADMIN_SUBJECTS,
  'M',
  'OM',
  'TA',
  'UA',
]

function everyoneExcept(...allowed: SubjectCode[]): SubjectCode[] {
  return SUBJECT_CODES.filter((code) => !allowed.includes(code))
}

function matrix(
  name: string,
  object: CaseObject,
  actions: readonly string[],
  allowed: readonly SubjectCode[],
  denied: readonly SubjectCode[],
): RoleMatrixCase {
  return { name, object, actions, allowed, denied }
}

const X = OTHER_ORG_SUBJECTS
const ORG_ADMINS = ORG_ADMIN_SUBJECTS
const MY_WORKSPACE: CaseObject = {
  type: 'workspace',
  id: ID.WORKSPACE,
  orgOwner: ID.ORG,
  owner: ID.ME,
}
const MY_DORMANT_WORKSPACE: CaseObject = { ...MY_WORKSPACE, type: 'workspace_dormant' }
const MY_USER: CaseObject = { type: 'user', id: ID.ME, owner: ID.ME }
const ORG_TEMPLATE: CaseObject = { type: 'template', id: ID.TEMPLATE, orgOwner: ID.ORG }
const MY_ORG_MEMBER: CaseObject = {
  type: 'organization_member',
  id: ID.ME,
  orgOwner: ID.ORG,
  owner: ID.ME,
}
const ORG_GROUP: CaseObject = {
  type: 'group',
  id: ID.GROUP,
  orgOwner: ID.ORG,
  aclGroupList: { [ID.GROUP]: ['read'] },
}
const ORGANIZATION: CaseObject = { type: 'organization', id: ID.ORG, orgOwner: ID.ORG }
const CRUD = ['create', 'read', 'update', 'delete']

/** Coder's TestRolePermissions table, in Coder's order. */
export const ROLE_MATRIX_CASES: readonly RoleMatrixCase[] = [
  matrix(
    'MyUser',
    MY_USER,
    ['read'],
    ['OM', 'O', 'M', 'TA', 'UA', 'OUA', 'X-OA', 'X-OUA', 'OA'],
    ['OTA', 'OAUD', 'X-M', 'X-OAUD', 'X-OTA'],
  ),
  matrix(
    'AUser',
    { type: 'user' },
    ['create', 'update', 'delete'],
    ['O', 'UA'],
    [...ORG_ADMINS, ...X, 'M', 'OM', 'TA'],
  ),
  matrix(
    'ReadMyWorkspaceInOrg',
    MY_WORKSPACE,
    ['read'],
    ['O', 'OM', 'OA', 'TA', 'OTA', 'BAN'],
    [...X, 'M', 'UA', 'OAUD', 'OUA'],
  ),
  matrix(
    'UpdateMyWorkspaceInOrg',
    MY_WORKSPACE,
    ['update'],
    ['O', 'OM', 'OA'],
    [...X, 'M', 'UA', 'TA', 'OTA', 'OUA', 'OAUD'],
  ),
  matrix(
    'CreateDeleteMyWorkspaceInOrg',
    MY_WORKSPACE,
    ['create', 'delete'],
    ['O', 'OM', 'OA'],
    [...X, 'M', 'UA', 'TA', 'OTA', 'OUA', 'OAUD', 'BAN'],
  ),
  matrix(
    'MyWorkspaceInOrgExecution',
    MY_WORKSPACE,
    ['ssh'],
    ['O', 'OM'],
    [...X, ...ORG_ADMINS, 'M', 'TA', 'UA'],
  ),
  matrix(
    'MyWorkspaceInOrgAppConnect',
    MY_WORKSPACE,
    ['application_connect'],
    ['O', 'OM'],
    [...X, ...ORG_ADMINS, 'M', 'TA', 'UA'],
  ),
  matrix(
    'CreateDeleteWorkspaceAgent',
    MY_WORKSPACE,
    ['create_agent', 'delete_agent'],
    ['O', 'OM', 'OA'],
    [...X, 'M', 'UA', 'TA', 'OTA', 'OUA', 'OAUD', 'BAN'],
  ),
  matrix(
    'StartStopMyWorkspace',
    MY_WORKSPACE,
    ['start', 'stop'],
    ['O', 'OA', 'OM'],
    [...X, 'UA', 'TA', 'M', 'OTA', 'OUA', 'OAUD'],
  ),
  matrix(
    'Templates',
    ORG_TEMPLATE,
    ['create', 'update', 'delete'],
    ['O', 'OA', 'TA', 'OTA'],
    [...X, 'OUA', 'OAUD', 'M', 'OM', 'UA'],
  ),
  matrix(
    'ReadTemplates',
    { type: 'template', orgOwner: ID.ORG },
    ['read', 'view_insights'],
    ['O', 'OAUD', 'OA', 'TA', 'OTA'],
    [...X, 'OUA', 'M', 'UA', 'OM'],
  ),
  matrix(
    'UseTemplates',
    { type: 'template', orgOwner: ID.ORG, aclGroupList: { [ID.GROUP]: ['use'] } },
    ['use'],
    ['O', 'OA', 'TA', 'OTA', 'GM'],
    [...X, 'OAUD', 'OUA', 'M', 'UA', 'OM'],
  ),
  matrix(
    'AllUsersGroupACL',
    { ...ORG_TEMPLATE, aclGroupList: { [ID.ORG]: ['read'] } },
    ['read'],
    ['O', 'OA', 'OM', 'TA', 'OUA', 'OTA', 'OAUD'],
    [...X, 'M', 'UA'],
  ),
  matrix(
    'Files',
    { type: 'file', id: ID.FILE },
    ['create'],
    ['O', 'TA'],
    [...X, 'OTA', 'OM', 'OA', 'M', 'UA', 'OAUD', 'OUA'],
  ),
  matrix(
    'MyFile',
    { type: 'file', id: ID.FILE, owner: ID.ME },
    ['create', 'read'],
    ['O', 'M', 'OM', 'TA'],
    [...X, ...ORG_ADMINS, 'UA'],
  ),
  matrix(
    'CreateOrganizations',
    { type: 'organization' },
    ['create'],
    ['O'],
    [...X, ...ORG_ADMINS, 'M', 'OM', 'TA', 'UA'],
  ),
  matrix(
    'Organizations',
    ORGANIZATION,
    ['update', 'delete'],
    ['O', 'OA'],
    [...X, 'OTA', 'OUA', 'OAUD', 'M', 'OM', 'TA', 'UA'],
  ),
  matrix(
    'ReadOrganizations',
    ORGANIZATION,
    ['read'],
    ['O', 'OA', 'OM', 'TA', 'OTA', 'AUD', 'OAUD', 'UA', 'OUA'],
    [...X, 'M'],
  ),
  matrix(
    'CreateUpdateDeleteCustomRole',
    { type: 'assign_org_role' },
    ['create', 'update', 'delete'],
    ['O'],
    [...X, ...ORG_ADMINS, 'UA', 'OM', 'M', 'TA'],
  ),
  matrix(
    'RoleAssignment',
    { type: 'assign_role' },
    ['assign', 'unassign'],
    ['O', 'UA'],
    [...X, ...ORG_ADMINS, 'OM', 'M', 'TA'],
  ),
  matrix('ReadRoleAssignment', { type: 'assign_role' }, ['read'], SUBJECT_CODES, []),
  matrix(
    'OrgRoleAssignment',
    { type: 'assign_org_role', orgOwner: ID.ORG },
    ['assign', 'unassign'],
    ['O', 'OA', 'UA', 'OUA'],
    [...X, 'OM', 'M', 'TA', 'OTA', 'OAUD'],
  ),
  matrix(
    'CreateOrgRoleAssignment',
    { type: 'assign_org_role', orgOwner: ID.ORG },
    ['create', 'update'],
    ['O', 'OA'],
    [...X, 'OUA', 'OTA', 'OAUD', 'OM', 'M', 'TA', 'UA'],
  ),
  matrix(
    'ReadOrgRoleAssignment',
    { type: 'assign_org_role', orgOwner: ID.ORG },
    ['read'],
    ['O', 'OA', 'OAUD', 'OUA', 'OTA', 'OM', 'UA', 'TA'],
    [...X, 'M'],
  ),
  matrix(
    'APIKey',
    { type: 'api_key', id: ID.API_KEY, owner: ID.ME },
    CRUD,
    ['O', 'OM', 'M'],
    [...X, ...ORG_ADMINS, 'TA', 'UA'],
  ),
  matrix(
    'InboxNotification',
    { type: 'inbox_notification', id: ID.NOTIFICATION, orgOwner: ID.ORG, owner: ID.ME },
    ['create', 'read', 'update'],
    ['O', 'OM', 'OA'],
    [...X, 'OUA', 'OTA', 'OAUD', 'TA', 'UA', 'M'],
  ),
  matrix(
    'UserData',
    MY_USER,
    ['read_personal', 'update_personal'],
    ['O', 'OM', 'M', 'UA'],
    [...X, ...ORG_ADMINS, 'TA'],
  ),
  matrix(
    'ManageOrgMember',
    MY_ORG_MEMBER,
    ['create', 'update', 'delete'],
    ['O', 'OA', 'UA', 'OUA'],
    [...X, 'OTA', 'OAUD', 'OM', 'M', 'TA'],
  ),
  matrix(
    'ReadOrgMember',
    MY_ORG_MEMBER,
    ['read'],
    ['O', 'OAUD', 'OA', 'UA', 'OM', 'TA', 'OUA', 'OTA'],
    ['M', ...X],
  ),
  matrix(
    'Groups',
    ORG_GROUP,
    ['create', 'delete', 'update'],
    ['O', 'OA', 'UA', 'OUA'],
    [...X, 'M', 'OM', 'TA', 'OTA', 'GM', 'OAUD'],
  ),
  matrix(
    'GroupsRead',
    ORG_GROUP,
    ['read'],
    ['O', 'OA', 'UA', 'TA', 'OTA', 'OUA', 'GM', 'OAUD'],
    [...X, 'M', 'OM'],
  ),
  matrix(
    'GroupMemberMeRead',
    { type: 'group_member', id: ID.ME, orgOwner: ID.ORG, owner: ID.ME },
    ['read'],
    ['O', 'OAUD', 'OA', 'UA', 'TA', 'OTA', 'OUA', 'OM', 'GM'],
    [...X, 'M'],
  ),
  matrix(
    'GroupMemberOtherRead',
    { type: 'group_member', id: ID.ADMIN_1, orgOwner: ID.ORG, owner: ID.ADMIN_1 },
    ['read'],
    ['O', 'OAUD', 'OA', 'UA', 'TA', 'OTA', 'OUA'],
    [...X, 'M', 'OM', 'GM'],
  ),
  matrix(
    'WorkspaceDormant',
    MY_DORMANT_WORKSPACE,
    ['create', 'read', 'update', 'delete', 'stop', 'create_agent', 'delete_agent'],
    ['OM', 'OA', 'O'],
    [...X, 'UA', 'M', 'TA', 'OTA', 'OUA', 'OAUD'],
  ),
  matrix(
    'WorkspaceDormantUse',
    MY_DORMANT_WORKSPACE,
    ['start', 'application_connect', 'ssh'],
    [],
    [...X, ...ORG_ADMINS, 'M', 'UA', 'OM', 'O', 'TA'],
  ),
  matrix(
    'PrebuiltWorkspace',
    {
      type: 'prebuilt_workspace',
      id: ID.PREBUILT_WORKSPACE,
      orgOwner: ID.ORG,
      owner: ID.PREBUILDS_USER,
    },
    ['update', 'delete'],
    ['O', 'OA', 'TA', 'OTA'],
    [...X, 'UA', 'M', 'OUA', 'OAUD', 'OM'],
  ),
  matrix('License', { type: 'license' }, ['create', 'read', 'delete'], ['O'], NON_OWNER_SUBJECTS),
  matrix('DeploymentStats', { type: 'deployment_stats' }, ['read'], ['O'], NON_OWNER_SUBJECTS),
  matrix(
    'DeploymentConfig',
    { type: 'deployment_config' },
    ['read', 'update'],
    ['O'],
    NON_OWNER_SUBJECTS,
  ),
  matrix('DebugInfo', { type: 'debug_info' }, ['read'], ['O'], NON_OWNER_SUBJECTS),
  matrix('Replicas', { type: 'replicas' }, ['read'], ['O'], NON_OWNER_SUBJECTS),
  matrix('TailnetCoordinator', { type: 'tailnet_coordinator' }, CRUD, ['O'], NON_OWNER_SUBJECTS),
  // The organization auditor's org-level read does not apply: the object has no organization.
  matrix('AuditLogs', { type: 'audit_log' }, ['read', 'create'], ['O'], NON_OWNER_SUBJECTS),
  matrix(
    'ProvisionerDaemons',
    { type: 'provisioner_daemon', orgOwner: ID.ORG },
    ['create', 'update', 'delete'],
    ['O', 'TA', 'OA', 'OTA'],
    [...X, 'OAUD', 'OUA', 'M', 'OM', 'UA'],
  ),
  matrix(
    'ProvisionerDaemonsRead',
    { type: 'provisioner_daemon', orgOwner: ID.ORG },
    ['read'],
    ['O', 'TA', 'OA', 'OAUD', 'OUA', 'OTA', 'OM'],
    [...X, 'M', 'UA'],
  ),
  matrix(
    'UserProvisionerDaemons',
    { type: 'provisioner_daemon', orgOwner: ID.ORG, owner: ID.ME },
    ['create', 'update', 'delete'],
    ['O', 'TA', 'OTA', 'OM', 'OA'],
    [...X, 'M', 'UA', 'OUA', 'OAUD'],
  ),
  matrix(
    'ProvisionerJobs',
    { type: 'provisioner_jobs', orgOwner: ID.ORG },
    ['read', 'update', 'create'],
    ['O', 'OTA', 'OA'],
    [...X, 'M', 'OM', 'TA', 'UA', 'OUA', 'OAUD'],
  ),
  matrix('System', { type: 'system' }, CRUD, ['O'], NON_OWNER_SUBJECTS),
  matrix(
    'Oauth2App',
    { type: 'oauth2_app' },
    ['create', 'update', 'delete'],
    ['O'],
    NON_OWNER_SUBJECTS,
  ),
  matrix('Oauth2AppRead', { type: 'oauth2_app' }, ['read'], SUBJECT_CODES, []),
  matrix('Oauth2AppSecret', { type: 'oauth2_app_secret' }, CRUD, ['O'], NON_OWNER_SUBJECTS),
  matrix(
    'Oauth2Token',
    { type: 'oauth2_app_code_token' },
    ['create', 'read', 'delete'],
    ['O'],
    NON_OWNER_SUBJECTS,
  ),
  matrix(
    'WorkspaceProxy',
    { type: 'workspace_proxy' },
    ['create', 'update', 'delete'],
    ['O'],
    NON_OWNER_SUBJECTS,
  ),
  matrix('WorkspaceProxyRead', { type: 'workspace_proxy' }, ['read'], SUBJECT_CODES, []),
  matrix(
    'NotificationPreferencesOwn',
    { type: 'notification_preference', owner: ID.ME },
    ['read', 'update'],
    ['M', 'OM', 'O'],
    ['UA', 'OUA', 'TA', 'OAUD', 'OTA', ...X, 'OA'],
  ),
  matrix(
    'NotificationPreferencesOtherUser',
    { type: 'notification_preference', owner: ID.SOMEONE_ELSE },
    ['read', 'update'],
    ['O'],
    everyoneExcept('O'),
  ),
  matrix(
    'NotificationTemplates',
    { type: 'notification_template' },
    ['read', 'update'],
    ['O'],
    everyoneExcept('O'),
  ),
  matrix(
    'NotificationMessages',
    { type: 'notification_message' },
    CRUD,
    ['O'],
    everyoneExcept('O'),
  ),
  matrix(
    'WebpushSubscription',
    { type: 'webpush_subscription', owner: ID.ME },
    ['create', 'read', 'delete'],
    ['O', 'M', 'OM'],
    ['X-M', 'OA', 'X-OA', 'OAUD', 'X-OAUD', 'TA', 'OTA', 'X-OTA', 'UA', 'OUA', 'X-OUA'],
  ),
  matrix(
    'AnyOrganizationMember',
    { type: 'organization_member', anyOrg: true },
    ['create'],
    ['O', 'UA', 'OA', 'X-OA', 'OUA', 'X-OUA'],
    ['M', 'TA', 'OTA', 'OM', 'OAUD', 'X-M', 'X-OAUD', 'X-OTA'],
  ),
  matrix(
    'AnyOrganizationTemplate',
    { type: 'template', anyOrg: true },
    ['create'],
    ['O', 'TA', 'OTA', 'X-OTA', 'OA', 'X-OA'],
    ['UA', 'M', 'OM', 'OAUD', 'OUA', 'X-M', 'X-OAUD', 'X-OUA'],
  ),
  matrix(
    'AnyOrganizationWorkspace',
    { type: 'workspace', anyOrg: true, owner: ID.ME },
    ['create'],
    ['O', 'OA', 'X-OA', 'OM'],
    ['M', 'UA', 'TA', 'OAUD', 'OUA', 'OTA', 'X-M', 'X-OAUD', 'X-OUA', 'X-OTA'],
  ),
  matrix('CryptoKeys', { type: 'crypto_key' }, CRUD, ['O'], NON_OWNER_SUBJECTS),
  matrix(
    'IDPSyncSettings',
    { type: 'idpsync_settings', orgOwner: ID.ORG },
    ['read', 'update'],
    ['O', 'OA', 'OUA', 'UA'],
    ['OM', 'X-OA', 'M', 'TA', 'OAUD', 'OTA', 'X-M', 'X-OAUD', 'X-OUA', 'X-OTA'],
  ),
  matrix(
    'IDPSyncSettingsSiteWide',
    { type: 'idpsync_settings' },
    ['read', 'update'],
    ['O', 'UA'],
    ['OA', 'OUA', 'OM', 'M', 'TA', 'OAUD', 'OTA', ...X],
  ),
  matrix(
    'ResourceMonitor',
    { type: 'workspace_agent_resource_monitor' },
    ['read', 'create', 'update'],
    ['O'],
    everyoneExcept('O'),
  ),
  matrix(
    'WorkspaceAgentDevcontainers',
    { type: 'workspace_agent_devcontainers' },
    ['create'],
    ['O'],
    everyoneExcept('O'),
  ),
  matrix(
    'ConnectionLogs',
    { type: 'connection_log' },
    ['read', 'update'],
    ['O'],
    NON_OWNER_SUBJECTS,
  ),
  // Owners do not get other users' secrets: user_secret is left out of the owner role.
  matrix(
    'UserSecrets',
    { type: 'user_secret', owner: ID.ME },
    CRUD,
    ['M', 'OM'],
    ['O', 'OA', 'X-OA', 'X-M', 'OAUD', 'OUA', 'OTA', 'TA', 'UA', 'X-OAUD', 'X-OUA', 'X-OTA'],
  ),
  matrix('UsageEvents', { type: 'usage_event' }, ['create', 'read', 'update'], [], SUBJECT_CODES),
]

/** Subjects every row of Coder's TestRolePermissions must assign to allowed or denied. */
export const REQUIRED_SUBJECTS: readonly SubjectCode[] = [
  'M',
  'O',
  'OM',
  'OA',
  'X-OA',
  'X-M',
  'OAUD',
  'OUA',
  'OTA',
  'TA',
  'UA',
  'X-OAUD',
  'X-OUA',
  'X-OTA',
]

/** Object fields of an `/authcheck` check (`codersdk.AuthorizationObject`). */
export interface AuthcheckObject {
  resource_type: string
  owner_id?: string
  organization_id?: string
  any_org?: boolean
}

/**
 * Reports whether a check can be sent to `POST /api/v2/authcheck` as a plain object: no ACLs
 * (those need a row loaded through `resource_id`), only built-in roles and named scopes, and
 * the default owner workspace access. Subjects still need real users and organizations.
 */
export function isHttpBuildable(subject: CaseSubject, object: CaseObject): boolean {
  if (object.aclUserList !== undefined || object.aclGroupList !== undefined) return false
  if (subject.disableOwnerWorkspaceAccess === true) return false
  if (!subject.roles.every((role) => typeof role === 'string')) return false
  return (subject.scopes ?? []).every((scope) => typeof scope === 'string')
}

/**
 * Converts a case object into the `/authcheck` object for `subjectId`: the subject's own id
 * becomes `me`. The object id is dropped because the endpoint only takes it as `resource_id`.
 */
export function toAuthcheckObject(object: CaseObject, subjectId: string): AuthcheckObject {
  const check: AuthcheckObject = { resource_type: object.type }
  if (object.owner !== undefined) check.owner_id = object.owner === subjectId ? 'me' : object.owner
  if (object.orgOwner !== undefined) check.organization_id = object.orgOwner
  if (object.anyOrg !== undefined) check.any_org = object.anyOrg
  return check
}
