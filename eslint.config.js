// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdkImports = {
  paths: [
    { name: 'telegraf', message: 'Channels live in src/bot; dialogs and cases stay SDK-free (DESIGN.md).' },
    { name: 'botbuilder', message: 'Channels live in src/bot; dialogs and cases stay SDK-free (DESIGN.md).' },
    { name: 'openai', message: 'The LLM client is injected from src/bot or src/main.ts through the Classifier interface.' },
  ],
  patterns: [
    { group: ['telegraf/*', 'botbuilder-*', 'botbuilder/*', 'openai/*'], message: 'SDKs stay out of src/dialogs and src/cases.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'src/generated/**', 'public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['src/dialogs/**/*.ts', 'src/cases/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', sdkImports] },
  },
  {
    // CLIs and tests print to the terminal on purpose.
    files: ['scripts/**', 'test/**', 'src/**/*-cli.ts', 'src/bot/console-chat.ts', 'public/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', EventSource: 'readonly', crypto: 'readonly', localStorage: 'readonly', console: 'readonly', setTimeout: 'readonly' } },
  },
);
