// Lint rules, including the architecture boundary: domain modules never reach adapters,
// Fastify, process.env or fetch; they declare interfaces the entrypoints wire up.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Module boundaries (design.md §3), shared by the blocks below: a later block's
// no-restricted-imports replaces an earlier one's, so each lists the patterns it keeps.
const moduleBoundary = [
  { group: ['**/adapters/**', '**/entrypoints/**', '**/simulator/**', '**/config/**'], message: 'Modules must not import adapters, entrypoints, the simulator or config; declare an interface and let the entrypoint wire it.' },
  { regex: '^\\.\\./[a-z][\\w-]*/(?!index\\.js$|[\\w-]+\\.tables\\.js$)[^/]+$', message: 'Call another module through its index.ts, not its internal files.' },
  { group: ['fastify', '@fastify/*', 'fastify-*', 'pg', '@electric-sql/*', 'undici', 'node-fetch', 'axios'], message: 'Modules must not depend on HTTP frameworks, drivers or HTTP clients.' },
];
// One owner per table: another module's *.tables.ts is imported only for foreign keys (in a
// *.tables.ts) and by the reads allow-listed below; anything else calls the owner's index.
const foreignTables = {
  regex: '^(\\.\\./)+[a-z][\\w-]*/[\\w-]+\\.tables\\.js$',
  message: "Another module's tables are its own: call its index.ts (design.md §3, one owner per table). Foreign keys belong in your *.tables.ts.",
};

// The admin UI (web/src) reaches the server only through the public API, with the one typed client.
const webNoServerCode = { group: ['**/src/**', '../**'], message: 'The admin UI uses only the public API; it must not import server code.' };
const webClientMessage = 'Call the API through the typed client (gl and unwrap from ./api-client), not by hand: its paths, parameters and bodies are checked against the OpenAPI types.';
const webOneClient = { group: ['openapi-fetch'], message: webClientMessage };

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'migrations/**', 'coverage/**', 'test-results/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a string-literal union, not a TS enum (design.md §4).' }],
    },
  },
  {
    // The admin UI runs in the browser and reaches the server only through the public API.
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [webNoServerCode, webOneClient] }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a string-literal union, not a TS enum (design.md §4).' },
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render text through React (it escapes); never inject HTML.' },
      ],
      // Every request goes through the typed client (`gl` in api-client.ts), so a wrong path, query
      // or body is a compile error; hand-made requests with string paths would not be checked.
      'no-restricted-globals': ['error', ...['fetch', 'XMLHttpRequest'].map((name) => ({ name, message: webClientMessage }))],
      'no-restricted-properties': ['error', ...['window', 'globalThis', 'self'].map((object) => ({ object, property: 'fetch', message: webClientMessage }))],
    },
  },
  {
    // The one module that creates the admin app's client: it may import the shipped typed client.
    files: ['web/src/api-client.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src/**'], message: webNoServerCode.message }, { regex: '^\\.\\./(?!\\.\\./client/index\\.js$)', message: webNoServerCode.message }] },
      ],
    },
  },
  {
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...moduleBoundary, foreignTables] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Modules get configuration through ctx/arguments, never process.env.' }],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Modules must not call the network; use a gateway interface.' },
        { name: 'process', message: 'Modules must not read process state; take it as input.' },
      ],
    },
  },
  {
    // The shared helpers at the root of src/modules/ (context.ts, sql.ts): there `../` is src/, not
    // a sibling module, so the sibling-internals pattern does not apply; `../lib/` is allowed.
    files: ['src/modules/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: moduleBoundary.filter((p) => !('regex' in p)) }] },
  },
  {
    // Foreign keys: a module's tables may reference another module's tables.
    files: ['src/modules/*/*.tables.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: moduleBoundary }] },
  },
  {
    // Reads of another module's tables that cannot go through its index. Writes are checked apart
    // (test/table-ownership.test.ts); shrink this list, do not grow it.
    files: [
      // Segment rules compile to one set-based SQL statement joining contacts, attribute definitions
      // and topics (aliased, in filters and order); an index function per rule would split the statement.
      'src/modules/segments/audience.service.ts',
      // Export and erasure read a person's rows in every module; left until the privacy module's
      // foreign writes have moved to their owners (another change in progress).
      'src/modules/privacy/privacy.service.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: moduleBoundary }] },
  },
  {
    files: ['src/lib/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/modules/**', '**/adapters/**', '**/entrypoints/**'], message: 'lib/ holds no domain knowledge and depends on nothing above it.' }] }],
    },
  },
);
