import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../server/config';
import { buildContainer } from '../server/container';
import { openDatabase } from '../server/db/database';
import { createDataSource } from '../server/db/data-source';
import { runMigrations } from '../server/db/migrate';
import { createLogger } from '../server/logger';
import { emailSchema, fullNameSchema, passwordSchema } from '../server/modules/accounts';

/** npm run admin:create -- --email a@b.vn --password '…' [--name 'Nguyễn Văn A'] */
async function main() {
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } } });
  const input = z
    .object({ email: emailSchema, password: passwordSchema, name: fullNameSchema.default('Quản trị viên') })
    .safeParse(values);
  if (!input.success) {
    process.stderr.write(`Usage: npm run admin:create -- --email <email> --password <password> [--name <name>]\n`);
    for (const issue of input.error.issues) process.stderr.write(`  ${issue.path.join('.')}: ${issue.message}\n`);
    process.exit(2);
  }
  const config = loadConfig();
  const logger = createLogger('warn');
  const db = await openDatabase(config, logger);
  const ds = createDataSource({ url: db.url, poolSize: 2 });
  try {
    await ds.initialize();
    await runMigrations(ds);
    const { accounts } = buildContainer({ config, dataSource: ds, logger });
    const admin = await accounts.createAdmin({ email: input.data.email, password: input.data.password, fullName: input.data.name });
    process.stdout.write(`Đã tạo quản trị viên ${admin.email} (id ${admin.id}).\n`);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
