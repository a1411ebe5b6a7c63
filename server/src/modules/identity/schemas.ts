import { Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';
import { USER_STATUSES } from './schema.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Status = Type.Unsafe<(typeof USER_STATUSES)[number]>({ type: 'string', enum: [...USER_STATUSES] });

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    username: Nullable(Type.String()),
    name: Nullable(Type.String()),
    firstName: Nullable(Type.String()),
    lastName: Nullable(Type.String()),
    displayName: Nullable(Type.String()),
    image: Nullable(Type.String()),
    status: Status,
    emailVerified: Type.Boolean(),
    isSuperAdmin: Type.Boolean(),
    banned: Type.Boolean(),
    banReason: Nullable(Type.String()),
    banExpires: Nullable(DateTime),
    twoFactorEnabled: Type.Boolean(),
    lastLoginAt: Nullable(DateTime),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'User', additionalProperties: false },
);

const Email = Type.String({ format: 'email', maxLength: 254 });
const Username = Type.String({ pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}$', description: 'Letters, digits, dot, dash, underscore' });
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const Name = Type.String({ minLength: 1, maxLength: 200 });

export const UserCreateSchema = Type.Object(
  {
    email: Email,
    username: Type.Optional(Username),
    name: Type.Optional(Name),
    firstName: Type.Optional(Name),
    lastName: Type.Optional(Name),
    displayName: Type.Optional(Name),
    password: Type.Optional(Password),
    isSuperAdmin: Type.Optional(Type.Boolean()),
  },
  { $id: 'UserCreate', additionalProperties: false },
);

export const USER_SORTS = ['-id', 'id', 'email', '-email', 'createdAt', '-createdAt'] as const;
export type UserSort = (typeof USER_SORTS)[number];

export const UserListQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Search in email, username and name' })),
    status: Type.Optional(Status),
    banned: Type.Optional(Type.Boolean()),
    sort: Type.Optional(
      Type.Unsafe<UserSort>({ type: 'string', enum: [...USER_SORTS], default: '-id', description: 'Sort field; prefix - for descending (-id: newest first)' }),
    ),
  },
  { additionalProperties: false },
);

/** PATCH /v1/users/{userId}: profile fields and the account's status (bans have their own routes). */
export const UserUpdateSchema = Type.Object(
  {
    username: Type.Optional(Type.Union([Username, Type.Null()])),
    name: Type.Optional(Type.Union([Name, Type.Null()])),
    firstName: Type.Optional(Type.Union([Name, Type.Null()])),
    lastName: Type.Optional(Type.Union([Name, Type.Null()])),
    displayName: Type.Optional(Type.Union([Name, Type.Null()])),
    status: Type.Optional(
      Type.Unsafe<'active' | 'suspended'>({ type: 'string', enum: ['active', 'suspended'], description: 'suspended: cannot sign in, sessions end' }),
    ),
  },
  { $id: 'UserUpdate', additionalProperties: false, minProperties: 1 },
);

export const DeviceSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    platform: Nullable(Type.String()),
    userAgent: Nullable(Type.String()),
    trusted: Type.Boolean(),
    riskState: Type.Unsafe<'normal' | 'elevated' | 'blocked'>({ type: 'string', enum: ['normal', 'elevated', 'blocked'] }),
    lastIp: Nullable(Type.String()),
    lastSeenAt: DateTime,
    createdAt: DateTime,
  },
  { $id: 'Device', additionalProperties: false },
);
export const DeviceListSchema = Type.Object({ data: Type.Array(Type.Ref(DeviceSchema)) }, { additionalProperties: false });

/** A user's active membership on one site (GET /v1/users/{userId}/memberships). */
export const UserMembershipSchema = Type.Object(
  {
    site: Type.Object(
      { id: Type.String({ format: 'uuid' }), name: Type.String(), slug: Type.String(), status: Type.String() },
      { additionalProperties: false },
    ),
    role: Type.Object({ key: Type.String(), name: Type.String() }, { additionalProperties: false }),
  },
  { $id: 'UserMembership', additionalProperties: false },
);
export const UserMembershipListSchema = Type.Object({ data: Type.Array(Type.Ref(UserMembershipSchema)) }, { additionalProperties: false });
export const UserPageSchema = pageOf(Type.Ref(UserSchema), 'User');
export const UserParamsSchema = Type.Object({ userId: Type.String({ format: 'uuid' }) });

export const BanSchema = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
    expiresAt: Type.Optional(Type.Union([DateTime, Type.Null()], { description: 'When the ban lifts itself; null or absent: until unbanned' })),
  },
  { additionalProperties: false },
);

export const SignInSchema = Type.Object(
  {
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    password: Password,
    deviceId: Type.Optional(Type.String({ minLength: 8, maxLength: 200, description: 'Stable client-chosen device identifier' })),
    cookie: Type.Optional(Type.Boolean({ description: 'Also set the HttpOnly session cookie (the console)' })),
  },
  { additionalProperties: false },
);

export const ImpersonateSchema = Type.Object(
  {
    cookie: Type.Optional(
      Type.Boolean({
        description:
          "The console: switch the session cookie to the impersonation and keep the caller's own session in __Host-admiral_origin " +
          '(POST /v1/auth/impersonation/end restores it). Needs a cookie-authenticated request.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ImpersonationEndedSchema = Type.Object(
  {
    restored: Type.Boolean({ description: "True when the cookie is back on the impersonator's own session; false: sign in again" }),
    userId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'Who the console is signed in as now (null when nobody)' }),
  },
  { additionalProperties: false },
);

export const TokensSchema = Type.Object(
  {
    token: Type.String(),
    refreshToken: Type.String(),
    expiresAt: DateTime,
  },
  { additionalProperties: false },
);

export const SignedInSchema = Type.Object(
  { token: Type.String(), refreshToken: Type.String(), expiresAt: DateTime, user: Type.Ref(UserSchema) },
  { additionalProperties: false },
);

export const RefreshSchema = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const ChangePasswordSchema = Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false });

export const SessionSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    ip: Nullable(Type.String()),
    userAgent: Nullable(Type.String()),
    impersonatedBy: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    current: Type.Boolean(),
    createdAt: DateTime,
    lastSeenAt: DateTime,
    expiresAt: DateTime,
  },
  { $id: 'Session', additionalProperties: false },
);
export const SessionListSchema = Type.Object({ data: Type.Array(Type.Ref(SessionSchema)) }, { additionalProperties: false });
export const SessionParamsSchema = Type.Object({ sessionId: Type.String({ format: 'uuid' }) });
export const UserSessionParamsSchema = Type.Object({ userId: Type.String({ format: 'uuid' }), sessionId: Type.String({ format: 'uuid' }) });

export const MeSchema = Type.Object(
  {
    user: Type.Ref(UserSchema),
    impersonatedBy: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    sites: Type.Array(
      Type.Object(
        {
          id: Type.String({ format: 'uuid' }),
          name: Type.String(),
          slug: Type.String(),
          status: Type.String(),
          role: Type.Object({ key: Type.String(), name: Type.String() }, { additionalProperties: false }),
          permissions: Type.Array(Type.String()),
          ownOnlyPermissions: Type.Array(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const CountSchema = Type.Object({ ended: Type.Integer() }, { additionalProperties: false });
