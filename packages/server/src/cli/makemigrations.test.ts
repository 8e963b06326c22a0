import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { drizzleKitBin, generateMigration, migrationSlug } from './commands/database';
import { CliError } from './errors';

const SERVER = resolve(import.meta.dirname, '../..');
const REPO = resolve(SERVER, '../..');

/** A temp copy of what drizzle-kit reads: the config, the schema folder and the migrations. */
function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'evision-makemigrations-'));
  cpSync(join(SERVER, 'drizzle.config.ts'), join(dir, 'drizzle.config.ts'));
  cpSync(join(SERVER, 'drizzle'), join(dir, 'drizzle'), { recursive: true });
  cpSync(join(SERVER, 'src/infra/db/schema'), join(dir, 'src/infra/db/schema'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('makemigrations', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("finds drizzle-kit's CLI although the package does not export bin.cjs", () => {
    const bin = drizzleKitBin();
    expect(bin.endsWith(join('drizzle-kit', 'bin.cjs'))).toBe(true);
    expect(existsSync(bin)).toBe(true);
  });

  it('generates a migration for a schema change in a copy of the schema folder', () => {
    const dir = copyProject();
    dirs.push(dir);
    const before = readdirSync(join(dir, 'drizzle')).filter((f) => f.endsWith('.sql'));
    writeFileSync(
      join(dir, 'src/infra/db/schema/widgets.ts'),
      "import { integer, pgTable, text } from 'drizzle-orm/pg-core';\n\n" +
        "export const widgets = pgTable('widgets', { id: integer('id').primaryKey(), label: text('label').notNull() });\n",
    );
    const index = join(dir, 'src/infra/db/schema/index.ts');
    writeFileSync(index, `${readFileSync(index, 'utf8')}export * from './widgets';\n`);

    const slug = migrationSlug('Add widgets table!');
    expect(slug).toBe('add_widgets_table');
    const result = generateMigration(slug, dir);

    const after = readdirSync(join(dir, 'drizzle')).filter((f) => f.endsWith('.sql'));
    expect(after.length).toBe(before.length + 1);
    const created = after.find((f) => f.endsWith('_add_widgets_table.sql'));
    expect(created).toBeDefined();
    expect(result.file).toBe(created);
    const sqlText = readFileSync(join(dir, 'drizzle', created!), 'utf8');
    expect(sqlText).toContain('CREATE TABLE "widgets"');
    // The real project is untouched.
    expect(readdirSync(join(SERVER, 'drizzle')).some((f) => f.endsWith('_add_widgets_table.sql'))).toBe(
      false,
    );
  }, 60_000);

  it('reports a broken schema as a one-line CLI error, not a crash', () => {
    const dir = copyProject();
    dirs.push(dir);
    writeFileSync(join(dir, 'src/infra/db/schema/index.ts'), "export * from './missing-file';\n");
    expect(() => generateMigration('broken', dir)).toThrow(CliError);
    expect(() => generateMigration('broken', dir)).toThrow(/missing-file/);
    expect(readdirSync(join(dir, 'drizzle')).some((f) => f.includes('broken'))).toBe(false);
  }, 60_000);
});
