import { defineConfig } from 'drizzle-kit'

// drizzle-kit writes flat drizzle/NNNN_name.sql files, which `wrangler d1 migrations apply`
// and the test setup read in order.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './drizzle',
})
