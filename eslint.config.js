// Lint rules are errors, never warnings. The layering of ../shared/DESIGN.md is enforced here:
// main/ is plain Node (no electron, no svelte, no renderer), renderer/ talks only to the API contract.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const mainLayering = {
  patterns: [
    { group: ['electron', 'electron/*'], message: 'main/ runs under plain Node: it must never import electron (see DESIGN.md).' },
    { group: ['svelte', 'svelte/*', '*.svelte'], message: 'main/ must not import Svelte: the UI lives in renderer/.' },
    { group: ['**/renderer/**', '../renderer', '../../renderer'], message: 'main/ must not import renderer/: dependencies point from renderer to the API contract.' },
  ],
};

// The engine's three layers, bottom to top (../shared/DESIGN.md): graph/ (IR, autodiff, ONNX,
// interpreter: knows no model) ← models/ (families, encoders, heads as graphs, weights) ←
// engine/ (ORT sessions, training step, devices, bench, parity). Nothing points down-up.
const graphLayering = {
  patterns: [
    ...mainLayering.patterns,
    { group: ['../*', '!../graph', '!../graph/*'], message: 'main/graph/ is the bottom layer: it imports nothing from the rest of main/ (models and the engine build on it).' },
  ],
};

const modelsLayering = {
  patterns: [
    ...mainLayering.patterns,
    { group: ['**/engine', '**/engine/**', '**/train/**', '**/tasks/**', '**/api/**', '**/export/**', '**/server/**', '**/store/**', '**/cli/**'], message: 'main/models/ sits below the engine: it may import main/graph/ and main/text/, never the engine or what builds on it.' },
  ],
};

const rendererLayering = {
  patterns: [
    {
      group: ['**/main/**', '!**/main/api', '!**/main/api/**'],
      message: 'renderer/ may import only the API contract (main/api/) from main/.',
    },
    { group: ['electron', 'electron/*', 'node:*', 'better-sqlite3', 'onnxruntime-node'], message: 'renderer/ runs in a sandboxed page: no Node or Electron modules.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'release/', 'test-results/', 'test/lint-fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] }, globals: { ...globals.browser } },
  },
  { files: ['main/**/*.ts'], rules: { 'no-restricted-imports': ['error', mainLayering] } },
  { files: ['main/graph/**/*.ts'], rules: { 'no-restricted-imports': ['error', graphLayering] } },
  { files: ['main/models/**/*.ts'], rules: { 'no-restricted-imports': ['error', modelsLayering] } },
  { files: ['renderer/**/*.ts', 'renderer/**/*.svelte'], languageOptions: { globals: { ...globals.browser } }, rules: { 'no-restricted-imports': ['error', rendererLayering] } },
);
