import { Type } from '@sinclair/typebox';
import { SiteCreateSchema } from '../tenancy/site-schemas.js';

export const SetupStatusSchema = Type.Object(
  {
    needsSetup: Type.Boolean({ description: 'True while no super admin exists: POST /v1/setup is open' }),
    setupCodeRequired: Type.Boolean({
      description: "Production servers also want the setup code printed in the server's log at start (`setupCode`)",
    }),
  },
  { additionalProperties: false },
);

export const SetupSchema = Type.Object(
  {
    admin: Type.Object(
      {
        email: Type.String({ format: 'email', maxLength: 254 }),
        password: Type.String({ minLength: 1, maxLength: 1024 }),
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
    site: Type.Object({ name: SiteCreateSchema.properties.name, slug: SiteCreateSchema.properties.slug }, { additionalProperties: false }),
    setupCode: Type.Optional(Type.String({ maxLength: 64, description: 'Production: the code Admiral prints in its log while it has no administrator' })),
    cookie: Type.Optional(Type.Boolean({ description: 'Also set the HttpOnly session cookie (the console)' })),
  },
  { additionalProperties: false },
);

export const SetupDoneSchema = Type.Object(
  {
    token: Type.String(),
    refreshToken: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
    user: Type.Ref('User'),
    site: Type.Ref('Site'),
  },
  { additionalProperties: false },
);
