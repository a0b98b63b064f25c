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

/**
 * zod's `z.locales` namespace holds ~260 KB of error-message translations that nothing here uses (errors are
 * English, the default zod registers itself). Keep only `en`, in every bundle.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales-en', namespace: 'zod-english-only', pluginData: path.dirname(args.importer) } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(path.join(args.pluginData, '..', 'locales', 'en.js'))};`,
      resolveDir: args.pluginData,
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

const webviewEntries = ['src/webview/panel/main.ts', 'src/webview/health/main.ts'];
const extensionTestEntry = 'test/extension/index.ts';

/** A CommonJS bundle for node 20; `vscode` stays external where it may be used at all. */
function nodeBundle(options, { mayUseVscode }) {
  const plugins = mayUseVscode ? [] : [forbidVscode];
  return {
    ...common,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    ...(mayUseVscode ? { external: ['vscode'] } : {}),
    ...options,
    plugins: watch ? [...plugins, problemMatcher] : plugins,
  };
}

const builds = [
  // The light entry VS Code loads at activation: proxies only (see src/vscode/host/lazy-engine-host.ts).
  nodeBundle({ entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' }, { mayUseVscode: true }),
  // The engine, required on first use.
  nodeBundle({ entryPoints: ['src/vscode/activate.ts'], outfile: 'dist/extension-engine.js' }, { mayUseVscode: true }),
  nodeBundle({ entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }, { mayUseVscode: false }),
  // `serve` runs pipelines in this worker thread (src/core/runs/worker-pipelines.ts finds it beside cli.js).
  nodeBundle({ entryPoints: ['src/core/runs/run-worker.ts'], outfile: 'dist/run-worker.js' }, { mayUseVscode: false }),
  {
    ...common,
    entryPoints: Object.fromEntries(webviewEntries.map((entry) => [path.basename(path.dirname(entry)), entry])),
    outdir: 'dist/webview',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    plugins: watch ? [forbidVscode, problemMatcher] : [forbidVscode],
  },
  // The mocha suite that runs inside VS Code (code-server or @vscode/test-electron).
  nodeBundle({ entryPoints: { index: extensionTestEntry }, outdir: 'out/test/extension', minify: false, external: ['vscode', 'mocha'] }, { mayUseVscode: true }),
];

/** The panel loads codicons from dist/webview/codicons, so the .vsix needs no node_modules (and CSP stays 'self'-only). */
function copyCodicons() {
  const target = path.join('dist', 'webview', 'codicons');
  fs.mkdirSync(target, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join('node_modules', '@vscode', 'codicons', 'dist', file), path.join(target, file));
}

/**
 * The repository map parses with web-tree-sitter (bundled into the JS) and prebuilt WASM grammars, which
 * must sit beside the bundle: dist/tree-sitter/ serves dist/extension-engine.js and dist/cli.js
 * (src/core/context/tree-sitter-runtime.ts looks there first). The list is the runtime's own.
 */
function copyTreeSitterWasm() {
  const target = path.join('dist', 'tree-sitter');
  fs.mkdirSync(target, { recursive: true });
  const source = path.join('node_modules', '@vscode', 'tree-sitter-wasm', 'wasm');
  for (const file of ['tree-sitter.wasm', 'tree-sitter-typescript.wasm', 'tree-sitter-tsx.wasm', 'tree-sitter-javascript.wasm', 'tree-sitter-python.wasm', 'tree-sitter-go.wasm']) {
    fs.copyFileSync(path.join(source, file), path.join(target, file));
  }
}

async function main() {
  copyCodicons();
  copyTreeSitterWasm();
  const contexts = await Promise.all(builds.map((options) => esbuild.context({ ...options, plugins: [zodEnglishOnly, ...(options.plugins ?? [])] })));
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
