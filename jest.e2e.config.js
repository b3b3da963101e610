/**
 * Browser journeys (playwright-core + Debian's chromium) against the whole store started in-process.
 * One PostgreSQL per run (the shared global setup), one database + one store + one browser per file.
 * Run with `npm run test:e2e` (serial: a 2-core machine runs one chromium at a time).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/e2e'],
  testMatch: ['**/*.e2e.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/tests/e2e/artifacts/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  // Fails the whole run at once, with the fix, when /usr/bin/chromium is missing; then the shared setup.
  globalSetup: '<rootDir>/tests/e2e/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 1,
};
