import { parseArgs } from 'node:util';
import { z } from 'zod';
import { buildContainer } from '../server/container';
import { emailSchema, fullNameSchema, passwordSchema } from '../server/modules/accounts';
import { runWithDatabase } from './run-with-database';

/** npm run admin:create -- --email a@b.vn --password '…' [--name 'Nguyễn Văn A'] */
function main(): void {
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } } });
  const input = z.object({ email: emailSchema, password: passwordSchema, name: fullNameSchema.default('Quản trị viên') }).safeParse(values);
  if (!input.success) {
    process.stderr.write(`Usage: npm run admin:create -- --email <email> --password <password> [--name <name>]\n`);
    for (const issue of input.error.issues) process.stderr.write(`  ${issue.path.join('.')}: ${issue.message}\n`);
    process.exit(2);
  }
  runWithDatabase(async ({ config, dataSource, logger }) => {
    const { accounts } = buildContainer({ config, dataSource, logger });
    const admin = await accounts.createAdmin({ email: input.data.email, password: input.data.password, fullName: input.data.name });
    process.stdout.write(`Đã tạo quản trị viên ${admin.email} (id ${admin.id}).\n`);
  });
}

main();
