// Builds the extension host bundle, the CLI and the webview scripts. `--production` minifies,
// `--watch` rebuilds on change. Any build error exits non-zero.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** The webview and the CLI must never reach the `vscode` module: fail the build if they do. */
const forbidVscode = {
  name: 'forbid-vscode',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => ({
      errors: [{ text: `"vscode" may only be imported under src/vscode/ (imported from ${args.importer})` }],
    }));
  },
};

/** Prints errors in a form VS Code's problem matcher understands. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  legalComments: 'none',
};

const webviewEntries = ['src/webview/panel/main.ts', 'src/webview/health/main.ts'].filter((entry) => fs.existsSync(entry));
const extensionTestEntry = 'test/extension/index.ts';

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    plugins: watch ? [problemMatcher] : [],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    plugins: watch ? [forbidVscode, problemMatcher] : [forbidVscode],
  },
  ...(webviewEntries.length > 0
    ? [
        {
          ...common,
          entryPoints: Object.fromEntries(webviewEntries.map((entry) => [path.basename(path.dirname(entry)), entry])),
          outdir: 'dist/webview',
          format: 'iife',
          platform: 'browser',
          target: 'es2022',
          plugins: watch ? [forbidVscode, problemMatcher] : [forbidVscode],
        },
      ]
    : []),
  ...(fs.existsSync(extensionTestEntry)
    ? [
        {
          ...common,
          minify: false,
          entryPoints: { index: extensionTestEntry },
          outdir: 'out/test/extension',
          format: 'cjs',
          platform: 'node',
          target: 'node20',
          external: ['vscode', 'mocha'],
          plugins: watch ? [problemMatcher] : [],
        },
      ]
    : []),
];

async function main() {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(contexts.map((context) => context.watch()));
    return;
  }
  const results = await Promise.allSettled(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
  const failed = results.filter((result) => result.status === 'rejected');
  if (failed.length > 0) {
    for (const failure of failed) if (failure.reason && !failure.reason.errors) console.error(failure.reason);
    process.exit(1);
  }
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
