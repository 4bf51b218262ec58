// Lint: typescript-eslint with type information. Floating and misused promises are errors:
// in a queue system a dropped promise fails silently.
// Every regex literal is checked twice: eslint-plugin-regexp (correctness, and its own
// super-linear backtracking rules) and eslint-plugin-redos (recheck's automaton/fuzz analysis),
// because one backtracking pattern over a submitted request can stall the event loop for minutes.
import js from '@eslint/js';
import redos from 'eslint-plugin-redos';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/generated/', 'out/', 'data/', 'coverage/', 'tools/*/node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  regexp.configs['flat/recommended'],
  {
    plugins: { redos },
    rules: {
      // Polynomial counts too: a quadratic pattern over a 100 KB request is seconds of blocked loop.
      // A fixed seed keeps recheck's fuzzing (used for look-arounds and back-references) repeatable,
      // which also lets every result be cached (node_modules/.cache/eslint-plugin-redos, keyed by
      // pattern, flags, recheck version and these settings): recheck is half of a cold lint run.
      'redos/no-vulnerable': ['error', { permittableComplexities: [], timeout: 10_000, randomSeed: 20_260_101, cache: { strategy: 'aggressive' } }],
    },
  },
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.cjs', 'bin/*.js', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Several branches edit the environment schema at once; its patterns run once at boot on the
    // operator's own settings and none can backtrack badly (redos/no-vulnerable still checks them).
    // Only the stylistic regexp rules wait for a quiet moment there.
    files: ['src/config/env.ts'],
    rules: { 'regexp/use-ignore-case': 'off', 'regexp/prefer-w': 'off', 'regexp/no-dupe-disjunctions': 'off', 'regexp/prefer-d': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
