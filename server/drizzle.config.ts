import { defineConfig } from 'drizzle-kit';

// Used only by `npm run db:generate` to write SQL migrations from the schema; never `push`
// (it can drop RLS policies silently). Applying migrations is Admiral's own runner's job.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/kernel/**/schema.ts', './src/modules/*/schema.ts'],
  out: './migrations',
  entities: { roles: { provider: '', exclude: [], include: [] } },
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
});
