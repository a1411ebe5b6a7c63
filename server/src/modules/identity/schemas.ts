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

export const UserListQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Search in email, username and name' })),
    status: Type.Optional(Status),
    banned: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
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
