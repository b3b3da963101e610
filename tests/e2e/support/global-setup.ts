import fs from 'node:fs';
import path from 'node:path';
import globalSetup from '../../helpers/global-setup';
import { assertChromiumInstalled } from './chromium';

/**
 * Check the browser before starting PostgreSQL (a missing /usr/bin/chromium fails the run at once,
 * with the fix), clear the previous run's failure screenshots, then the shared setup: one
 * PostgreSQL for the run and a migrated template database that every test file clones.
 */
export default async function e2eGlobalSetup(): Promise<void> {
  assertChromiumInstalled();
  fs.rmSync(path.resolve(__dirname, '..', 'artifacts', '_failures'), { recursive: true, force: true });
  await globalSetup();
}
