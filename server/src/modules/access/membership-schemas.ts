import { Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';

const Uuid = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });

/** Who a user id names, so lists can show people rather than ids. */
export const MembershipPersonSchema = Type.Object(
  { id: Uuid, email: Type.String(), name: Type.Union([Type.String(), Type.Null()]) },
  { $id: 'MembershipPerson', additionalProperties: false },
);
const Person = Type.Ref(MembershipPersonSchema);

export const MembershipSchema = Type.Object(
  {
    id: Uuid,
    siteId: Uuid,
    userId: Uuid,
    roleId: Uuid,
    roleKey: Type.String(),
    active: Type.Boolean({ description: 'False once revoked; revoked memberships are history and never change' }),
    assignedBy: Type.Union([Uuid, Type.Null()]),
    assignedAt: Timestamp,
    revokedBy: Type.Union([Uuid, Type.Null()]),
    revokedAt: Type.Union([Timestamp, Type.Null()]),
    user: Person,
    assignedByUser: Type.Union([Person, Type.Null()], { description: 'Who granted it (null: a rule or an API key)' }),
    revokedByUser: Type.Union([Person, Type.Null()], { description: 'Who revoked it (null while active, or when an API key did)' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Membership', additionalProperties: false },
);

export const MembershipCreateSchema = Type.Object(
  {
    userId: Type.Optional(Uuid),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254, description: 'Instead of userId: the existing user with this email address' })),
    role: Type.String({ pattern: '^[a-z][a-z0-9_-]{1,62}$', description: "A role key: a system role or one of the site's" }),
  },
  { $id: 'MembershipCreate', additionalProperties: false },
);

export const MembershipListQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    userId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Search in the member's email, username and name" })),
    roleId: Type.Optional(Type.String({ format: 'uuid', description: 'Only memberships of this role (with includeRevoked: its history)' })),
    includeRevoked: Type.Optional(Type.Boolean({ default: false, description: 'Include revoked memberships (the history)' })),
  },
  { additionalProperties: false },
);

export const MembershipPageSchema = pageOf(Type.Ref(MembershipSchema), 'Membership');
export const MembershipParamsSchema = Type.Object({ siteId: Uuid, membershipId: Uuid });
