// ESLint flat config: typescript-eslint's recommended type-aware rules, plus the layering rule
// that keeps src/core free of the vscode API and a guard on the bundle size (zod's locales).
// The .mjs files (scripts/*.mjs and the tools' configs) get the rules that need no type information.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NO_VSCODE = { name: 'vscode', message: 'src/core and src/emulator must not depend on the VS Code API.' };
// `import { z } from 'zod'` bundles every zod locale (~350 KB more in the extension); the namespace import does not.
const NO_ZOD_NAMED = {
  selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z'][importKind!='type']",
  message: "Use `import * as z from 'zod'` (the named import bundles every locale).",
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test-env/**', '.vscode-test/**', 'test-artifacts/**', '.emulator-data/**', '.bench/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'suite', 'test'] }] }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Plain JavaScript run by Node: no tsconfig project, so no type-aware rules; Node's globals.
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    files: ['src/emulator/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE] }] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE] }], 'no-restricted-syntax': ['error', NO_ZOD_NAMED] },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', NO_ZOD_NAMED] },
  },
);
