import { buildContainer } from '../server/container';
import { withStartupLock } from '../server/db/migrate';
import { seedDemoAccounts } from '../server/seed/demo-accounts';
import { seedDemoCatalogue } from '../server/seed/demo-catalogue';
import { runWithDatabase } from './run-with-database';

/** `npm run seed`: loads the demo catalogue (and, outside production, the demo logins) into an empty database. */
runWithDatabase(async ({ config, dataSource, logger }) => {
  const { media } = buildContainer({ config, dataSource, logger });
  const added = await withStartupLock(dataSource, async () => {
    const count = await seedDemoCatalogue(dataSource, media);
    // Production gets the catalogue only: the README publishes the demo logins' passwords.
    if (!config.isProduction) await seedDemoAccounts(dataSource);
    return count;
  });
  process.stdout.write(added ? `Đã nạp ${added} sản phẩm trình diễn.\n` : 'Cơ sở dữ liệu đã có sản phẩm: bỏ qua.\n');
});
