// ESLint checks correctness and the module boundaries; Prettier (`npm run lint` runs both) owns the layout.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const THROUGH_INDEX = "Import another module only through its index.ts (`'../accounts'`, not `'../accounts/actor'`).";
const NO_FEATURE_MODULES = 'db/, lib/ and http/ serve every module and import none of them: pass what they need in, or move the code into the module.';

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'data/', 'tests/e2e/artifacts/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names are deliberately unused (Express's four-argument error handler, skipped tuple slots).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['public/js/**/*.js'], languageOptions: { sourceType: 'script', globals: globals.browser } },
  // Browser journeys type page.evaluate() code loosely: the project compiles without lib "dom".
  { files: ['tests/e2e/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // Boundaries. A module's files may use another module only through what its index.ts exports.
  {
    files: ['server/modules/*/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./[^./][^/]*/(?!index$)', message: THROUGH_INDEX }] }] },
  },
  {
    files: ['server/modules/*/*/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./\\.\\./[^./][^/]*/(?!index$)', message: THROUGH_INDEX }] }] },
  },
  {
    files: ['server/db/**/*.ts', 'server/lib/**/*.ts', 'server/http/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\.?/)+modules(/|$)', message: NO_FEATURE_MODULES }] }] },
  },
);
