// ESLint flat config: typescript-eslint's recommended rules for every TypeScript and JavaScript file of the project,
// plus the architecture rule that only the extension host (client/) may import 'vscode'. Formatting is Prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      'out-*/',
      'dist-*/',
      '.bench/',
      'server/src/engine/generated/',
      'schemas/',
      'examples/',
      'test/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      // Lazy loads: the devbroker and Kubernetes bundles load only for the commands and views that use them, the
      // generated schema validators on the first validation.
      '@typescript-eslint/no-require-imports': [
        'error',
        { allow: ['^\\.\\./devbroker$', '^\\.\\./kube$', '^\\./generated/schema-validators$', '^node:'] },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['server/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    ignores: ['test/e2e/exthost/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only client/ imports vscode.' }] }],
    },
  },
  {
    // The dev broker is typed through: mqtt-packet's own Packet types, and YAML narrowed from unknown.
    files: ['server/src/devbroker/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
);
