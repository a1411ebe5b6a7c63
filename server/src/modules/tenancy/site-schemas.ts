import { type Static, Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';
import { SITE_STATUSES } from './schema.js';
import { SignUpSettingsSchema } from './sign-up-settings.js';

const Status = Type.Unsafe<(typeof SITE_STATUSES)[number]>({ type: 'string', enum: [...SITE_STATUSES] });
const Slug = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$', description: 'Lower-case letters, digits and hyphens; unique' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);
const LogoUrl = Type.Union([Type.String({ format: 'uri', maxLength: 2000 }), Type.Null()]);
const CountryCode = Type.Union([Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }), Type.Null()]);
// Other keys belong to the modules that read them and are kept as sent; `signUp` is checked here.
const Settings = Type.Unsafe<Record<string, unknown> & { signUp?: Static<typeof SignUpSettingsSchema> }>(
  Type.Object({ signUp: Type.Optional(SignUpSettingsSchema) }, { additionalProperties: true, description: 'Site settings' }),
);

export const SiteSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    slug: Type.String(),
    status: Status,
    description: Type.Union([Type.String(), Type.Null()]),
    logoUrl: Type.Union([Type.String(), Type.Null()]),
    countryCode: Type.Union([Type.String(), Type.Null()]),
    // As stored (written through SiteCreate/SiteUpdate's checked shape): a response never reshapes it.
    settings: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Site', additionalProperties: false },
);

export const SiteCreateSchema = Type.Object(
  {
    name: Name,
    slug: Slug,
    description: Type.Optional(Description),
    logoUrl: Type.Optional(LogoUrl),
    countryCode: Type.Optional(CountryCode),
    settings: Type.Optional(Settings),
  },
  { $id: 'SiteCreate', additionalProperties: false },
);

export const SiteUpdateSchema = Type.Object(
  {
    name: Type.Optional(Name),
    slug: Type.Optional(Slug),
    status: Type.Optional(Status),
    description: Type.Optional(Description),
    logoUrl: Type.Optional(LogoUrl),
    countryCode: Type.Optional(CountryCode),
    settings: Type.Optional(Settings),
  },
  { $id: 'SiteUpdate', additionalProperties: false, minProperties: 1 },
);

export const SiteListQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    status: Type.Optional(Status),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Search in name and slug' })),
  },
  { additionalProperties: false },
);

export const SitePageSchema = pageOf(Type.Ref(SiteSchema), 'Site');
export const SiteParamsSchema = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
