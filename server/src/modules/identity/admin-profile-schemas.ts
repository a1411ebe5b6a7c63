import { Type } from '@sinclair/typebox';
import { UserSchema } from './schemas.js';

const DateTime = Type.String({ format: 'date-time' });
const AccessLevel = Type.Integer({ minimum: 1, maximum: 5, description: 'Staff access level, 1 (lowest) to 5' });
const Department = Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]);
const ManagerUserId = Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'Another user; the chain of managers may not loop' });

/** Staff details of a user (seed 001 admin_users): department, manager, access level. */
export const AdminProfileSchema = Type.Object(
  {
    userId: Type.String({ format: 'uuid' }),
    department: Type.Union([Type.String(), Type.Null()]),
    managerUserId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    accessLevel: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'AdminProfile', additionalProperties: false },
);

/** PUT replaces the whole profile: a field left out is cleared (department, manager) or defaults (access level 1). */
export const AdminProfilePutSchema = Type.Object(
  {
    department: Type.Optional(Department),
    managerUserId: Type.Optional(ManagerUserId),
    accessLevel: Type.Optional(AccessLevel),
  },
  { $id: 'AdminProfilePut', additionalProperties: false },
);

/** GET /v1/users/{userId}: the user and their staff profile (null when they have none). */
export const UserDetailSchema = Type.Object(
  { ...UserSchema.properties, adminProfile: Type.Union([Type.Ref(AdminProfileSchema), Type.Null()]) },
  { $id: 'UserDetail', additionalProperties: false },
);
