import { runWithDatabase } from './run-with-database';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL (or the embedded database). */
runWithDatabase(async () => {
  process.stdout.write('Cơ sở dữ liệu đã ở phiên bản mới nhất (database is up to date).\n');
});
