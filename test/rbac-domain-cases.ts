/**
 * Authorization cases with one subject each: Coder v2 `coderd/rbac/authz_internal_test.go`
 * (custom roles, ACLs, scopes, allow lists), `coderd/authorize_test.go` (checks through the HTTP
 * endpoint), TestOwnerExec from `coderd/rbac/roles_test.go`, and derived cases read off Coder's
 * policy.rego that Coder's tests do not assert.
 */

import type { Role, Scope } from '../src/rbac'
import { SCOPE_NO_USER_DATA } from '../src/rbac'
import type { CaseObject, CaseSubject } from './rbac-cases'
import {
  CASE_IDS,
  EVERYONE_GROUP,
  ROLE_SUBJECTS,
  WORKSPACE_ACTIONS,
  WORKSPACE_NON_EXEC_ACTIONS,
} from './rbac-cases'

const ID = CASE_IDS

export type CaseSource =
  'authz_internal_test.go' | 'authorize_test.go' | 'roles_test.go' | 'derived'

/** Every object gets the expected result for every action. */
export interface DomainCase {
  readonly name: string
  readonly source: CaseSource
  readonly subject: CaseSubject
  readonly objects: readonly CaseObject[]
  readonly actions: readonly string[]
  readonly expected: boolean
}

const ORG = ID.ORG
const UNRELATED_ORG = ID.OTHER_ORG
const ME = ID.ME
const NOT_ME = ID.SOMEONE_ELSE
const USER_ACTIONS = ['read', 'create', 'update', 'delete', 'read_personal', 'update_personal']

function customRole(name: string, parts: Partial<Pick<Role, 'site' | 'org' | 'user'>>): Role {
  return { name, organizationId: '', displayName: name, site: [], org: {}, user: [], ...parts }
}

const DENY_ALL = { resourceType: '*', action: '*', negate: true } as const

const SITE_DENY_ALL = customRole('deny-all', { site: [DENY_ALL] })
const ORG_DENY_ALL = customRole('org-deny', { org: { [ORG]: [DENY_ALL] } })
const USER_DENY_ALL = customRole('user-deny-all', { user: [DENY_ALL] })
const SITE_DENY_RANDOM_TYPE = customRole('site-noise', {
  site: [{ resourceType: 'random', action: '*', negate: true }],
})
const ORG_AND_USER_READER = customRole('org-and-user-reader', {
  org: { [ORG]: [{ resourceType: '*', action: 'read', negate: false }] },
  user: [{ resourceType: '*', action: 'read', negate: false }],
})

function customScope(name: string, action: string, allowIds: readonly string[]): Scope {
  return {
    name,
    site: [{ resourceType: 'workspace', action, negate: false }],
    allowIds,
  }
}

const ORG_MEMBER_ME: CaseSubject = { id: ME, roles: ['member', `organization-member:${ORG}`] }
const ORG_MEMBER_ME_EVERYONE: CaseSubject = { ...ORG_MEMBER_ME, groups: [EVERYONE_GROUP] }
const ORG_ADMIN_ME: CaseSubject = { id: ME, roles: ['member', `organization-admin:${ORG}`] }
const OWNER_ME: CaseSubject = { id: ME, roles: ['owner', 'member'] }

const EVERY_WORKSPACE: readonly CaseObject[] = [
  { type: 'workspace', orgOwner: ORG, owner: ME },
  { type: 'workspace', owner: ME },
  { type: 'workspace', orgOwner: ORG },
  { type: 'workspace' },
  { type: 'workspace', orgOwner: UNRELATED_ORG, owner: ME },
  { type: 'workspace', orgOwner: ORG, owner: NOT_ME },
  { type: 'workspace', owner: NOT_ME },
  { type: 'workspace', anyOrg: true, owner: ME },
]

function domain(
  source: CaseSource,
  name: string,
  subject: CaseSubject,
  objects: readonly CaseObject[],
  actions: readonly string[],
  expected: boolean,
): DomainCase {
  return { name, source, subject, objects, actions, expected }
}

type CaseArguments = [
  name: string,
  subject: CaseSubject,
  objects: readonly CaseObject[],
  actions: readonly string[],
  expected: boolean,
]

const internal = (...args: CaseArguments) => domain('authz_internal_test.go', ...args)
const derived = (...args: CaseArguments) => domain('derived', ...args)

/** Coder's authz_internal_test.go: membership gate, ACLs, custom roles, scopes. */
export const AUTHZ_INTERNAL_CASES: readonly DomainCase[] = [
  internal(
    'member without organization, own workspace in an organization',
    { id: ME, roles: ['member'] },
    [{ type: 'workspace', orgOwner: ORG, owner: ME }],
    WORKSPACE_ACTIONS,
    false,
  ),
  internal(
    'member without organization, any-org create',
    { id: ME, roles: ['member'] },
    [{ type: 'workspace', anyOrg: true, owner: ME }],
    ['create'],
    false,
  ),
  internal(
    'org member, own workspace in own organization',
    ORG_MEMBER_ME,
    [{ type: 'workspace', orgOwner: ORG, owner: ME }],
    WORKSPACE_ACTIONS,
    true,
  ),
  internal(
    'org member, unowned workspace in own organization',
    ORG_MEMBER_ME,
    [{ type: 'workspace', orgOwner: ORG }],
    WORKSPACE_ACTIONS,
    false,
  ),
  internal(
    'org member, own workspace in any organization',
    ORG_MEMBER_ME,
    [{ type: 'workspace', anyOrg: true, owner: ME }],
    WORKSPACE_ACTIONS,
    true,
  ),
  internal(
    'org member, any-org template create',
    ORG_MEMBER_ME,
    [{ type: 'template', anyOrg: true }],
    ['create'],
    false,
  ),
  internal(
    'org member, own workspace without organization',
    ORG_MEMBER_ME,
    [{ type: 'workspace', owner: ME }],
    WORKSPACE_ACTIONS,
    true,
  ),
  internal(
    'org member, bare workspace',
    ORG_MEMBER_ME,
    [{ type: 'workspace' }],
    WORKSPACE_ACTIONS,
    false,
  ),
  internal(
    'org member, own workspace in unrelated organization',
    ORG_MEMBER_ME,
    [{ type: 'workspace', orgOwner: UNRELATED_ORG, owner: ME }],
    WORKSPACE_ACTIONS,
    false,
  ),
  internal(
    'org member, workspace of someone else',
    ORG_MEMBER_ME,
    [
      { type: 'workspace', orgOwner: ORG, owner: NOT_ME },
      { type: 'workspace', owner: NOT_ME },
    ],
    WORKSPACE_ACTIONS,
    false,
  ),
  internal(
    'Everyone group ACL grants every action',
    ORG_MEMBER_ME_EVERYONE,
    [
      {
        type: 'workspace',
        orgOwner: ORG,
        owner: NOT_ME,
        aclGroupList: { [EVERYONE_GROUP]: [...WORKSPACE_ACTIONS] },
      },
    ],
    WORKSPACE_ACTIONS,
    true,
  ),
  internal(
    'user ACL without create or delete',
    ORG_MEMBER_ME_EVERYONE,
    [
      {
        type: 'workspace',
        orgOwner: UNRELATED_ORG,
        owner: NOT_ME,
        aclUserList: { [ME]: ['read', 'update'] },
      },
    ],
    ['create', 'delete'],
    false,
  ),
  internal(
    'user ACL grants its listed actions',
    ORG_MEMBER_ME_EVERYONE,
    [
      {
        type: 'workspace',
        orgOwner: UNRELATED_ORG,
        owner: NOT_ME,
        aclUserList: { [ME]: ['read', 'update'] },
      },
    ],
    ['read', 'update'],
    true,
  ),
  internal(
    'user ACL wildcard needs no organization membership',
    ORG_MEMBER_ME_EVERYONE,
    [{ type: 'workspace', orgOwner: UNRELATED_ORG, owner: NOT_ME, aclUserList: { [ME]: ['*'] } }],
    WORKSPACE_ACTIONS,
    true,
  ),
  internal(
    'user ACL on a template',
    ORG_MEMBER_ME_EVERYONE,
    [{ type: 'template', orgOwner: ORG, aclUserList: { [ME]: ['update'] } }],
    ['update'],
    true,
  ),
  internal(
    'site deny-all role',
    { id: ME, roles: [SITE_DENY_ALL] },
    EVERY_WORKSPACE,
    WORKSPACE_ACTIONS,
    false,
  ),
  internal(
    'org admin, any-org template create',
    ORG_ADMIN_ME,
    [{ type: 'template', anyOrg: true }],
    ['create'],
    true,
  ),
  internal(
    'org admin, non-exec on foreign workspace',
    ORG_ADMIN_ME,
    [{ type: 'workspace', orgOwner: ORG, owner: NOT_ME }],
    WORKSPACE_NON_EXEC_ACTIONS,
    true,
  ),
  internal(
    'org admin, no exec on foreign workspace',
    ORG_ADMIN_ME,
    [{ type: 'workspace', orgOwner: ORG, owner: NOT_ME }],
    ['ssh', 'application_connect'],
    false,
  ),
  internal(
    'org admin, unrelated organization',
    ORG_ADMIN_ME,
    [{ type: 'workspace', orgOwner: UNRELATED_ORG }],
    WORKSPACE_ACTIONS,
    false,
  ),
  internal(
    'owner without organization',
    OWNER_ME,
    [{ type: 'workspace', orgOwner: UNRELATED_ORG, owner: NOT_ME }, { type: 'workspace' }],
    WORKSPACE_ACTIONS,
    true,
  ),
  internal(
    'application_connect scope, own workspace',
    { ...ORG_MEMBER_ME, scopes: ['application_connect'] },
    [
      { type: 'workspace', orgOwner: ORG, owner: ME },
      { type: 'workspace', owner: ME },
    ],
    ['application_connect'],
    true,
  ),
  internal(
    'application_connect scope, workspace of someone else',
    { ...ORG_MEMBER_ME, scopes: ['application_connect'] },
    [{ type: 'workspace', orgOwner: ORG, owner: NOT_ME }],
    ['application_connect'],
    false,
  ),
  internal(
    'application_connect scope blocks other workspace actions',
    { ...ORG_MEMBER_ME, scopes: ['application_connect'] },
    EVERY_WORKSPACE,
    ['read', 'update', 'delete'],
    false,
  ),
  internal(
    'application_connect scope blocks templates',
    { ...ORG_MEMBER_ME, scopes: ['application_connect'] },
    [{ type: 'template', orgOwner: ORG }, { type: 'template' }, { type: 'template', anyOrg: true }],
    ['create', 'read', 'update', 'delete'],
    false,
  ),
  internal(
    'owner with application_connect scope connects anywhere',
    { ...OWNER_ME, scopes: ['application_connect'] },
    [{ type: 'workspace', orgOwner: UNRELATED_ORG, owner: NOT_ME }],
    ['application_connect'],
    true,
  ),
  internal(
    'owner with application_connect scope, other actions',
    { ...OWNER_ME, scopes: ['application_connect'] },
    EVERY_WORKSPACE,
    ['read', 'update', 'delete'],
    false,
  ),
  internal(
    'org and user read role, foreign workspace in organization',
    { id: ME, roles: [ORG_AND_USER_READER] },
    [{ type: 'workspace', orgOwner: ORG, owner: NOT_ME }],
    ['read'],
    true,
  ),
  internal(
    'org-level and user-level read role, outside the organization',
    { id: ME, roles: [ORG_AND_USER_READER] },
    [
      { type: 'workspace', owner: NOT_ME },
      { type: 'workspace', orgOwner: UNRELATED_ORG },
      { type: 'workspace' },
    ],
    ['read'],
    false,
  ),
  internal(
    'org-level and user-level read role, writes',
    { id: ME, roles: [ORG_AND_USER_READER] },
    EVERY_WORKSPACE,
    ['create', 'update', 'delete'],
    false,
  ),
  internal(
    'site allow beats org and user denies',
    { id: ME, roles: ['owner', ORG_DENY_ALL, USER_DENY_ALL] },
    EVERY_WORKSPACE,
    WORKSPACE_ACTIONS,
    true,
  ),
  internal(
    'org allow beats user deny',
    { id: ME, roles: [`organization-admin:${ORG}`, USER_DENY_ALL, SITE_DENY_RANDOM_TYPE] },
    [{ type: 'workspace', orgOwner: ORG, owner: ME }],
    WORKSPACE_NON_EXEC_ACTIONS,
    true,
  ),
  internal(
    'user deny applies outside organizations',
    { id: ME, roles: [`organization-admin:${ORG}`, USER_DENY_ALL, SITE_DENY_RANDOM_TYPE] },
    [{ type: 'workspace', owner: ME }],
    WORKSPACE_NON_EXEC_ACTIONS,
    false,
  ),
  internal(
    'allow list contains the workspace',
    { ...ORG_MEMBER_ME, scopes: [customScope('read-one', 'read', [ID.WORKSPACE])] },
    [{ type: 'workspace', id: ID.WORKSPACE, orgOwner: ORG, owner: ME }],
    ['read'],
    true,
  ),
  internal(
    'allow list passes but roles deny',
    { ...ORG_MEMBER_ME, scopes: [customScope('read-one', 'read', [ID.WORKSPACE])] },
    [{ type: 'workspace', id: ID.WORKSPACE, orgOwner: ORG, owner: NOT_ME }],
    ['read'],
    false,
  ),
  internal(
    'allow list excludes other ids',
    { ...ORG_MEMBER_ME, scopes: [customScope('read-one', 'read', [ID.WORKSPACE])] },
    [
      { type: 'workspace', id: ID.OTHER_WORKSPACE, orgOwner: ORG, owner: ME },
      { type: 'workspace', id: ID.OTHER_WORKSPACE, owner: ME },
    ],
    ['read', 'create', 'update', 'delete'],
    false,
  ),
  internal(
    'empty-id allow list admits objects without id',
    { ...ORG_MEMBER_ME, scopes: [customScope('create-new', 'create', [''])] },
    [{ type: 'workspace', orgOwner: ORG, owner: ME }],
    ['create'],
    true,
  ),
  internal(
    'empty-id allow list rejects objects with id',
    { ...ORG_MEMBER_ME, scopes: [customScope('create-new', 'create', [''])] },
    [{ type: 'workspace', id: ID.WORKSPACE, orgOwner: ORG, owner: ME }],
    WORKSPACE_ACTIONS,
    false,
  ),
  internal(
    'no_user_data scope hides the user',
    { ...ORG_MEMBER_ME, scopes: [SCOPE_NO_USER_DATA] },
    [{ type: 'user', id: ME, owner: ME, orgOwner: ORG }],
    USER_ACTIONS,
    false,
  ),
  internal(
    'no_user_data scope keeps workspaces',
    { ...ORG_MEMBER_ME, scopes: [SCOPE_NO_USER_DATA] },
    [{ type: 'workspace', orgOwner: ORG, owner: ME }],
    ['read', 'create'],
    true,
  ),
  internal(
    'no_user_data scope does not widen roles',
    { ...ORG_MEMBER_ME, scopes: [SCOPE_NO_USER_DATA] },
    [
      { type: 'workspace', orgOwner: ORG, owner: NOT_ME },
      { type: 'organization', id: ORG },
    ],
    ['read', 'update', 'delete'],
    false,
  ),
]

const HTTP_OWNER: CaseSubject = {
  id: ID.ADMIN_1,
  roles: ['owner', 'member', `organization-member:${ORG}`],
}
const HTTP_ORG_ADMIN: CaseSubject = {
  id: ID.ADMIN_2,
  roles: ['member', `organization-member:${ORG}`, `organization-admin:${ORG}`],
}
const HTTP_MEMBER: CaseSubject = { id: ME, roles: ['member', `organization-member:${ORG}`] }

function httpChecks(
  check: string,
  object: (subject: CaseSubject) => CaseObject,
  action: string,
  [owner, orgAdmin, orgMember]: [boolean, boolean, boolean],
): DomainCase[] {
  return [
    domain(
      'authorize_test.go',
      `${check} as owner`,
      HTTP_OWNER,
      [object(HTTP_OWNER)],
      [action],
      owner,
    ),
    domain(
      'authorize_test.go',
      `${check} as org admin`,
      HTTP_ORG_ADMIN,
      [object(HTTP_ORG_ADMIN)],
      [action],
      orgAdmin,
    ),
    domain(
      'authorize_test.go',
      `${check} as member`,
      HTTP_MEMBER,
      [object(HTTP_MEMBER)],
      [action],
      orgMember,
    ),
  ]
}

/**
 * Coder's authorize_test.go: owner (first user), an org admin and a member, all in the default
 * organization. The template row needs a real template loaded through `resource_id`.
 */
export const HTTP_CASES: readonly DomainCase[] = [
  ...httpChecks('read any user', () => ({ type: 'user' }), 'read', [true, true, false]),
  ...httpChecks('read own user', (subject) => ({ type: 'user', owner: subject.id }), 'read', [
    true,
    true,
    true,
  ]),
  ...httpChecks(
    'read own workspace',
    (subject) => ({ type: 'workspace', owner: subject.id }),
    'read',
    [true, true, true],
  ),
  ...httpChecks(
    'read organization workspaces',
    () => ({ type: 'workspace', orgOwner: ORG }),
    'read',
    [true, true, false],
  ),
  ...httpChecks(
    'update template by id',
    () => ({
      type: 'template',
      id: ID.TEMPLATE,
      orgOwner: ORG,
      aclGroupList: { [ORG]: ['read', 'use'] },
    }),
    'update',
    [true, true, false],
  ),
]

const SOMEONE_ELSES_WORKSPACE: CaseObject = {
  type: 'workspace',
  id: ID.OTHER_WORKSPACE,
  orgOwner: UNRELATED_ORG,
  owner: NOT_ME,
}

/** Coder's TestOwnerExec: `--disable-owner-workspace-access` removes the owner's ssh. */
export const OWNER_EXEC_CASES: readonly DomainCase[] = [
  domain(
    'roles_test.go',
    'owner ssh with workspace access disabled',
    { ...ROLE_SUBJECTS.O, disableOwnerWorkspaceAccess: true },
    [SOMEONE_ELSES_WORKSPACE],
    ['ssh', 'application_connect'],
    false,
  ),
  domain(
    'roles_test.go',
    'owner keeps other workspace actions when disabled',
    { ...ROLE_SUBJECTS.O, disableOwnerWorkspaceAccess: true },
    [SOMEONE_ELSES_WORKSPACE],
    WORKSPACE_NON_EXEC_ACTIONS,
    true,
  ),
  domain(
    'roles_test.go',
    'owner ssh by default',
    ROLE_SUBJECTS.O,
    [SOMEONE_ELSES_WORKSPACE],
    ['ssh', 'application_connect'],
    true,
  ),
]

const S = ROLE_SUBJECTS

/** Conclusions from Coder's policy.rego and authorizer that Coder's tests do not assert. */
export const DERIVED_CASES: readonly DomainCase[] = [
  derived('wildcard type matches no owner permission', S.O, [{ type: '*' }], ['read'], false),
  derived(
    'owner template wildcard covers unknown actions',
    S.O,
    [{ type: 'template' }],
    ['frobnicate'],
    true,
  ),
  derived(
    'owner workspace actions are enumerated',
    S.O,
    [{ type: 'workspace', owner: NOT_ME }],
    ['*'],
    false,
  ),
  derived(
    'member owns every type in its wildcard list',
    S.M,
    [
      { type: 'license', owner: ME },
      { type: 'deployment_config', owner: ME },
      { type: 'audit_log', owner: ME },
    ],
    ['create'],
    true,
  ),
  derived(
    'member wildcard action on own template',
    S.M,
    [{ type: 'template', owner: ME }],
    ['*', 'frobnicate'],
    true,
  ),
  derived('unknown type matches nothing', S.M, [{ type: 'banana', owner: ME }], ['read'], false),
  derived(
    'org admin wildcard list reaches license',
    S.OA,
    [{ type: 'license', orgOwner: ORG }],
    ['create', 'read'],
    true,
  ),
  derived(
    'any-org ignores an organization ban',
    S.BAN,
    [{ type: 'workspace', owner: ME, anyOrg: true }],
    ['create'],
    true,
  ),
  derived(
    'organization ban blocks the user level',
    S.BAN,
    [{ type: 'workspace', owner: ME, orgOwner: ORG }],
    ['create'],
    false,
  ),
  derived(
    'any-org with an organization is contradictory',
    S.O,
    [
      { type: 'template', orgOwner: ORG, anyOrg: true },
      { type: 'template', orgOwner: 'not-a-uuid', anyOrg: true },
    ],
    ['create', 'read'],
    false,
  ),
  derived(
    'any-org with the nil UUID acts as any-org',
    S.OA,
    [{ type: 'template', orgOwner: ID.NIL, anyOrg: true }],
    ['create'],
    true,
  ),
  derived(
    'any-org with the nil UUID still needs a member organization',
    S.M,
    [{ type: 'workspace', owner: ME, orgOwner: ID.NIL, anyOrg: true }],
    ['create'],
    false,
  ),
  derived(
    'any-org with the nil UUID for an org member',
    S.OM,
    [{ type: 'workspace', owner: ME, orgOwner: ID.NIL, anyOrg: true }],
    ['create'],
    true,
  ),
  // Through /authcheck this object is never built: the database read of the row is denied first.
  derived(
    'member cannot read another user',
    S.M,
    [{ type: 'user', id: NOT_ME, owner: NOT_ME }],
    ['read'],
    false,
  ),
]

/** Every single-subject case. */
export const DOMAIN_CASES: readonly DomainCase[] = [
  ...AUTHZ_INTERNAL_CASES,
  ...HTTP_CASES,
  ...OWNER_EXEC_CASES,
  ...DERIVED_CASES,
]
