/**
 * Faults and several instances: real store processes (node dist/server/main.js, built by
 * `npm run test:reliability` first) over real PostgreSQL, killed, restarted and run side by side.
 * One PostgreSQL per run (the shared global setup); a test that stops and restarts PostgreSQL
 * starts its own cluster.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/reliability'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
  testTimeout: 180000,
  // Each file runs store processes of its own; two at a time is what a 2-core machine carries.
  maxWorkers: 2,
};
