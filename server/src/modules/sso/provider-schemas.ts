import { Type } from '@sinclair/typebox';

const Uuid = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });
export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$';
const Slug = Type.String({ pattern: SLUG_PATTERN, description: 'Lower-case letters, digits and -; in the sign-in URLs; fixed once created' });
const Name = Type.String({ minLength: 1, maxLength: 200, description: 'Shown on the sign-in page ("Sign in with …")' });
const Issuer = Type.String({
  format: 'uri',
  maxLength: 500,
  description: "The provider's issuer identifier (https; http only on a loopback host). Its /.well-known/openid-configuration is read.",
});
const ClientId = Type.String({ minLength: 1, maxLength: 500 });
const ClientSecret = Type.String({ minLength: 1, maxLength: 4000, description: 'Write-only: stored sealed, never returned' });
const Scopes = Type.Array(Type.String({ pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,100}$' }), {
  minItems: 1,
  maxItems: 30,
  description: 'Requested scopes; must include openid (default openid, email, profile)',
});
const RoleKey = Type.String({ pattern: '^[a-z][a-z0-9_-]{1,62}$' });
const Domains = Type.Array(Type.String({ pattern: '^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$' }), {
  maxItems: 100,
  description: 'Lower-case email domains allowed to link or be created; empty: every domain',
});

export const SsoProviderSchema = Type.Object(
  {
    id: Uuid,
    siteId: Type.Union([Uuid, Type.Null()], { description: 'null: a platform-wide provider' }),
    slug: Type.String(),
    name: Type.String(),
    issuer: Type.String(),
    clientId: Type.String(),
    hasClientSecret: Type.Boolean({ description: 'The secret itself is never returned' }),
    scopes: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    allowJit: Type.Boolean({ description: 'Create users (and, on a site, members) on a first sign-in that matches no one' }),
    defaultRole: Type.Union([Type.String(), Type.Null()], { description: 'Site providers: the role a just-in-time member gets' }),
    allowedEmailDomains: Type.Array(Type.String()),
    callbackUrl: Type.Union([Type.String(), Type.Null()], { description: 'The redirect URI to register at the provider (null until PUBLIC_URL is set)' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'SsoProvider', additionalProperties: false },
);

export const SsoProviderCreateSchema = Type.Object(
  {
    slug: Slug,
    name: Name,
    issuer: Issuer,
    clientId: ClientId,
    clientSecret: ClientSecret,
    scopes: Type.Optional(Scopes),
    enabled: Type.Optional(Type.Boolean()),
    allowJit: Type.Optional(Type.Boolean()),
    defaultRole: Type.Optional(Type.Union([RoleKey, Type.Null()], { description: "Site providers only (default 'registered')" })),
    allowedEmailDomains: Type.Optional(Domains),
  },
  { $id: 'SsoProviderCreate', additionalProperties: false },
);

export const SsoProviderUpdateSchema = Type.Object(
  {
    name: Type.Optional(Name),
    issuer: Type.Optional(Issuer),
    clientId: Type.Optional(ClientId),
    clientSecret: Type.Optional(ClientSecret),
    scopes: Type.Optional(Scopes),
    enabled: Type.Optional(Type.Boolean()),
    allowJit: Type.Optional(Type.Boolean()),
    defaultRole: Type.Optional(Type.Union([RoleKey, Type.Null()])),
    allowedEmailDomains: Type.Optional(Domains),
  },
  { $id: 'SsoProviderUpdate', additionalProperties: false, minProperties: 1 },
);

export const SsoProviderListSchema = Type.Object({ data: Type.Array(Type.Ref(SsoProviderSchema)) }, { $id: 'SsoProviderList', additionalProperties: false });

export const SsoSignInOptionSchema = Type.Object(
  {
    id: Uuid,
    slug: Type.String(),
    name: Type.String(),
    siteId: Type.Union([Uuid, Type.Null()]),
    startUrl: Type.String({ description: 'Send the browser here (add ?redirect=/path to come back to a console page)' }),
  },
  { $id: 'SsoSignInOption', additionalProperties: false },
);

export const SsoSignInOptionsSchema = Type.Object(
  { data: Type.Array(Type.Ref(SsoSignInOptionSchema)) },
  { $id: 'SsoSignInOptions', additionalProperties: false },
);

export const ProviderParams = Type.Object({ providerId: Uuid });
export const SiteProviderParams = Type.Object({ siteId: Uuid, providerId: Uuid });
