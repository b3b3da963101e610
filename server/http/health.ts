import express, { type Router } from 'express';
import type { DataSource } from 'typeorm';

/** `readDataSource`: the catalogue's replica pool (DATABASE_READ_URL); the same as `dataSource` when unset. */
export function healthRoutes(dataSource: DataSource, readDataSource: DataSource = dataSource): Router {
  const router = express.Router();
  const answers = (ds: DataSource) =>
    ds.query('SELECT 1').then(
      () => true,
      () => false,
    );
  // Liveness: the process answers.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: the database answers too, and the replica when the catalogue reads from one (without it every listing fails).
  router.get('/readyz', async (_req, res) => {
    const [database, replica] = await Promise.all([answers(dataSource), readDataSource === dataSource ? undefined : answers(readDataSource)]);
    const body = { database: database ? 'ok' : 'down', ...(replica === undefined ? {} : { replica: replica ? 'ok' : 'down' }) };
    if (database && replica !== false) res.json({ status: 'ready', ...body });
    else res.status(503).json({ status: 'unavailable', ...body });
  });
  return router;
}
