// Lint rules. Workflow code runs in Temporal's deterministic sandbox: it may import only
// @temporalio/workflow, the experiment/ contract and types (see ../shared/docs/style.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', 'runs/**', '.temporal/**', 'data/models/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test/describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Workflows and the contract they share with everything else (experiment/) run in Temporal's
  // deterministic sandbox: no Node built-ins, and other folders only as types.
  ...[
    { folder: 'workflows', runtime: 'the contract in experiment/ and @temporalio/workflow' },
    { folder: 'experiment', runtime: 'zod and experiment/ itself' },
  ].map(({ folder, runtime }) => ({
    files: [`${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: `${folder}/ is deterministic workflow code: no Node built-ins.` })),
          patterns: [
            {
              group: ['activities', 'lm', 'data', 'devserver', 'client', 'config', 'worker', 'temporal', 'pretraining', 'files', 'bench']
                .concat(folder === 'experiment' ? ['workflows'] : [])
                .map((f) => `../${f}/*`).concat(['../worker', '../activities', '../lm']),
              allowTypeImports: true,
              message: `${folder}/ imports at run time only ${runtime}; other folders as types only.`,
            },
          ],
        },
      ],
    },
  })),
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
