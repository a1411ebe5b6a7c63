import { Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';

const Uuid = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });

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
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Membership', additionalProperties: false },
);

export const MembershipCreateSchema = Type.Object(
  {
    userId: Uuid,
    role: Type.String({ pattern: '^[a-z][a-z0-9_-]{1,62}$', description: "A role key: a system role or one of the site's" }),
  },
  { $id: 'MembershipCreate', additionalProperties: false },
);

export const MembershipListQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    userId: Type.Optional(Uuid),
    includeRevoked: Type.Optional(Type.Boolean({ default: false, description: 'Include revoked memberships (the history)' })),
  },
  { additionalProperties: false },
);

export const MembershipPageSchema = pageOf(Type.Ref(MembershipSchema), 'Membership');
export const MembershipParamsSchema = Type.Object({ siteId: Uuid, membershipId: Uuid });
