import { type TSchema, Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';

const Uuid = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });
const OptionalTimestamp = Type.Union([Timestamp, Type.Null()]);

export const API_KEY_STATUSES = ['active', 'expired', 'revoked'] as const;

const apiKeyProperties = {
  id: Uuid,
  siteId: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'The public part of the key (admk_<prefix>_…), to recognise it' }),
  permissions: Type.Array(Type.String()),
  status: Type.Unsafe<(typeof API_KEY_STATUSES)[number]>({ type: 'string', enum: [...API_KEY_STATUSES] }),
  expiresAt: OptionalTimestamp,
  lastUsedAt: OptionalTimestamp,
  createdBy: Type.Union([Uuid, Type.Null()]),
  rotatedFromId: Type.Union([Uuid, Type.Null()], { description: 'The key this one replaced' }),
  revokedAt: OptionalTimestamp,
  revokedBy: Type.Union([Uuid, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
} satisfies Record<string, TSchema>;

export const ApiKeySchema = Type.Object(apiKeyProperties, { $id: 'ApiKey', additionalProperties: false });

export const ApiKeyWithSecretSchema = Type.Object(
  { ...apiKeyProperties, key: Type.String({ description: 'The whole key. Shown only in this response: store it now.' }) },
  { $id: 'ApiKeyWithSecret', additionalProperties: false },
);

export const ApiKeyCreateSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    permissions: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+$', maxLength: 200 }), {
      minItems: 1,
      maxItems: 1000,
      description: 'Site permissions the key grants; the caller must hold each',
    }),
    expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'In the future; null or absent: never' })),
  },
  { $id: 'ApiKeyCreate', additionalProperties: false },
);

export const ApiKeyListQuerySchema = Type.Object(
  { ...PageQuerySchema, includeRevoked: Type.Optional(Type.Boolean({ default: false, description: 'Include revoked keys' })) },
  { additionalProperties: false },
);

export const ApiKeyPageSchema = pageOf(Type.Ref(ApiKeySchema), 'ApiKey');
export const ApiKeyParamsSchema = Type.Object({ siteId: Uuid, apiKeyId: Uuid });
