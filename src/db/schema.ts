/**
 * D1 schema. Times are UTC milliseconds since the Unix epoch; `null` stands for Go's zero time
 * where Coder would store `0001-01-01`. Lists (roles, scopes) are JSON arrays in text columns.
 */
import { sql } from 'drizzle-orm'
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core'

export const LOGIN_TYPES = ['password', 'github', 'oidc', 'token', 'none'] as const
export type LoginType = (typeof LOGIN_TYPES)[number]

export const USER_STATUSES = ['active', 'dormant', 'suspended'] as const
export type UserStatus = (typeof USER_STATUSES)[number]

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    // ASCII-lowercased email: matching ignores ASCII case only, so a lookalike such as U+212A
    // KELVIN SIGN stays a different address.
    emailNormalized: text('email_normalized').notNull(),
    username: text('username').notNull(),
    name: text('name').notNull().default(''),
    avatarUrl: text('avatar_url').notNull().default(''),
    // PHC string (argon2id) or Coder's `$pbkdf2-sha256$…`; empty for users without a password.
    hashedPassword: text('hashed_password').notNull().default(''),
    loginType: text('login_type', { enum: LOGIN_TYPES }).notNull().default('password'),
    status: text('status', { enum: USER_STATUSES }).notNull().default('dormant'),
    // Site roles such as ["owner"]; the implicit `member` role is never stored.
    rbacRoles: text('rbac_roles', { mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastSeenAt: integer('last_seen_at'),
    deleted: integer('deleted', { mode: 'boolean' }).notNull().default(false),
    // Password reset: hex SHA-256 of the current one-time passcode and when it expires. Both are
    // null when no reset is pending.
    hashedOneTimePasscode: text('hashed_one_time_passcode'),
    oneTimePasscodeExpiresAt: integer('one_time_passcode_expires_at'),
    // Wrong passcodes entered since the current one was issued.
    oneTimePasscodeFailedAttempts: integer('one_time_passcode_failed_attempts')
      .notNull()
      .default(0),
  },
  (t) => [
    check(
      'users_one_time_passcode_pair',
      sql`(${t.hashedOneTimePasscode} IS NULL) = (${t.oneTimePasscodeExpiresAt} IS NULL)`,
    ),
    // Coder keeps email and username unique among users that are not deleted, ignoring case.
    uniqueIndex('users_email_normalized_unique')
      .on(t.emailNormalized)
      .where(sql`${t.deleted} = 0`),
    uniqueIndex('users_username_lower_unique')
      .on(sql`lower(${t.username})`)
      .where(sql`${t.deleted} = 0`),
  ],
)

export const organizations = sqliteTable('organizations', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  displayName: text('display_name').notNull(),
  description: text('description').notNull().default(''),
  icon: text('icon').notNull().default(''),
  isDefault: integer('is_default', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

export const organizationMembers = sqliteTable(
  'organization_members',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    // Organization roles such as ["organization-admin"]; `organization-member` is implicit.
    roles: text('roles', { mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId] }),
    index('organization_members_user_id').on(t.userId),
  ],
)

export const apiKeys = sqliteTable(
  'api_keys',
  {
    // The 10-character public half of `<id>-<secret>`.
    id: text('id').primaryKey(),
    // Hex SHA-256 of the 22-character secret; the secret itself is never stored.
    hashedSecret: text('hashed_secret').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // null until the first authenticated request (Coder's zero time).
    lastUsed: integer('last_used'),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    loginType: text('login_type', { enum: LOGIN_TYPES }).notNull(),
    lifetimeSeconds: integer('lifetime_seconds').notNull().default(86400),
    ipAddress: text('ip_address').notNull().default('0.0.0.0'),
    scopes: text('scopes', { mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default(sql`'["all"]'`),
    // "" for browser and CLI sessions; a name for long-lived tokens.
    tokenName: text('token_name').notNull().default(''),
  },
  (t) => [
    index('api_keys_user_id').on(t.userId),
    uniqueIndex('api_keys_user_token_name_unique')
      .on(t.userId, t.tokenName)
      .where(sql`${t.tokenName} <> ''`),
  ],
)

/**
 * Links between a user and an external identity (GitHub user id, or OIDC `issuer||subject`),
 * one per user and login type.
 */
export const userLinks = sqliteTable(
  'user_links',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    loginType: text('login_type', { enum: LOGIN_TYPES }).notNull(),
    linkedId: text('linked_id').notNull(),
    // Expiry of the provider's access token; null when the provider gave none.
    oauthExpiry: integer('oauth_expiry'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.loginType] }),
    uniqueIndex('user_links_linked_id_unique').on(t.loginType, t.linkedId),
  ],
)

/** Security events (login, logout, …). Never contains a password, passcode, token or secret. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    time: integer('time').notNull(),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull().default(''),
    userId: text('user_id'),
    ipAddress: text('ip_address').notNull(),
    userAgent: text('user_agent').notNull().default(''),
    statusCode: integer('status_code').notNull(),
    requestId: text('request_id').notNull(),
    additionalFields: text('additional_fields', { mode: 'json' })
      .$type<Record<string, string>>()
      .notNull()
      .default(sql`'{}'`),
  },
  (t) => [index('audit_log_time').on(t.time), index('audit_log_user_id').on(t.userId)],
)
