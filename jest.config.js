/** Tests run against a real PostgreSQL: one cluster per run (embedded, or DATABASE_URL), one database per file. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // Browser journeys and the multi-process reliability suite have their own configs (npm run test:e2e, test:reliability).
  testPathIgnorePatterns: ['/node_modules/', '/tests/e2e/', '/tests/reliability/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
