import { Type } from '@sinclair/typebox';

const Uuid = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });
const PermissionKey = Type.String({ pattern: '^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+$', maxLength: 200, description: 'A permission key from the catalog' });
const Condition = Type.Union([Type.Literal('own'), Type.Null()], { description: "'own': only on rows the holder owns; null: everywhere on the site" });
const RoleKey = Type.String({ pattern: '^[a-z][a-z0-9_-]{1,62}$', description: 'Lower-case letters, digits, - and _; unique on the site' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);

export const RoleGrantSchema = Type.Object({ key: Type.String(), condition: Condition }, { $id: 'RoleGrant', additionalProperties: false });

export const RoleGrantInputSchema = Type.Object(
  { key: PermissionKey, condition: Type.Optional(Condition) },
  { $id: 'RoleGrantInput', additionalProperties: false },
);

export const RoleSchema = Type.Object(
  {
    id: Uuid,
    siteId: Type.Union([Uuid, Type.Null()], { description: 'null for system roles, which every site shares' }),
    key: Type.String(),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    system: Type.Boolean({ description: 'Managed by Admiral: read-only' }),
    assignable: Type.Boolean({ description: 'Whether a membership may hold it' }),
    permissions: Type.Array(Type.Ref(RoleGrantSchema)),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Role', additionalProperties: false },
);

const Grants = Type.Array(Type.Ref(RoleGrantInputSchema), { maxItems: 1000 });

export const RoleCreateSchema = Type.Object(
  { key: RoleKey, name: Name, description: Type.Optional(Description), permissions: Grants },
  { $id: 'RoleCreate', additionalProperties: false },
);

export const RoleUpdateSchema = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description) },
  { $id: 'RoleUpdate', additionalProperties: false, minProperties: 1 },
);

export const RolePermissionsSchema = Type.Object({ permissions: Grants }, { $id: 'RolePermissions', additionalProperties: false });

export const RoleListSchema = Type.Object({ data: Type.Array(Type.Ref(RoleSchema)) }, { $id: 'RoleList', additionalProperties: false });

export const RoleParamsSchema = Type.Object({ siteId: Uuid, roleId: Uuid });
