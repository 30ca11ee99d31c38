// Lint with type information: promises that nobody awaits or that are handed to callbacks expecting a value, the
// recommended set, and no failure swallowed by an empty catch (report it: extension/attempt/failures.ts).
import tseslint from 'typescript-eslint';

const swallowed = 'Do not swallow a failure: report it (extension: reportFailure, server: log it) or handle it.';

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'models/migrations/**', 'lti-server/public/**', '.invigil-data/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[body.type='BlockStatement'][body.body.length=0]", message: swallowed },
        { selector: "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[params.length=0][body.type='Identifier'][body.name='undefined']", message: swallowed },
      ],
    },
  },
  {
    // Tests read untyped JSON (responses, CLI output) and fake async APIs: the `any` and await checks stay in product
    // code; promises and swallowed failures are checked everywhere.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off', '@typescript-eslint/no-unsafe-assignment': 'off', '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off', '@typescript-eslint/no-unsafe-call': 'off', '@typescript-eslint/require-await': 'off',
      // puppeteer's target types are an enum compared with its own string values.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // Vitest reads a fixture's dependencies from its first parameter's destructuring, empty included.
      'no-empty-pattern': 'off',
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
