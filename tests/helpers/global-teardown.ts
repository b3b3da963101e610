import fs from 'node:fs';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  const tpl = g.__CHO_OCOP_TEMPLATE__ as { adminUrl: string; template: string } | undefined;
  const pg = g.__CHO_OCOP_TEST_PG__ as { stop: () => Promise<void>; dir: string } | undefined;
  if (tpl && !pg) {
    // External server: drop what this run created (the per-file databases drop themselves).
    const admin = new Client({ connectionString: tpl.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${tpl.template}`);
    await admin.end();
  }
  if (pg) {
    await pg.stop();
    fs.rmSync(pg.dir, { recursive: true, force: true });
  }
}
