import { defineConfig } from 'drizzle-kit';

// One PostgreSQL schema, one migrations folder; the same SQL runs on PGlite and on a server.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/infra/db/schema/index.ts',
  out: './drizzle',
});
