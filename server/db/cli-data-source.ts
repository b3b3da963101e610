import { loadConfig } from '../config';
import { createDataSource } from './data-source';

/** For the TypeORM CLI (`npm run migration:generate -- migrations/Name`): needs DATABASE_URL. */
const config = loadConfig();
if (!config.databaseUrl) {
  throw new Error('migration:generate needs DATABASE_URL (e.g. the URL printed by `npm start`).');
}
export default createDataSource({ url: config.databaseUrl });
