import * as path from 'node:path';

/**
 * Which repository files an import names, without a compiler: relative JS/TS specifiers with the usual
 * extensions and index files, Python module paths (relative or from the root or a `src/` root), and Go
 * package paths by the longest directory suffix. Package imports (`react`, `os`) name no file here.
 */

const JS_EXTENSIONS = ['', '.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts', '.d.ts'];
const JS_INDEX = ['/index.ts', '/index.tsx', '/index.js', '/index.jsx', '/index.mjs'];

export class ImportResolver {
  private readonly fileSet: ReadonlySet<string>;
  private readonly goPackages = new Map<string, string[]>();

  constructor(files: readonly string[]) {
    this.fileSet = new Set(files);
    for (const file of files) {
      if (!file.endsWith('.go') || file.endsWith('_test.go')) continue;
      const directory = path.posix.dirname(file);
      const list = this.goPackages.get(directory);
      if (list) list.push(file);
      else this.goPackages.set(directory, [file]);
    }
  }

  resolve(fromFile: string, specifier: string): readonly string[] {
    if (fromFile.endsWith('.py')) return this.python(fromFile, specifier);
    if (fromFile.endsWith('.go')) return this.go(specifier);
    return this.javascript(fromFile, specifier);
  }

  private javascript(fromFile: string, specifier: string): readonly string[] {
    if (!specifier.startsWith('.')) return [];
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
    if (base.startsWith('..')) return [];
    // TypeScript ESM imports name the emitted file (`./a.js` for `./a.ts`).
    const stem = base.replace(/\.(m|c)?js$/, '');
    for (const candidate of [base, ...JS_EXTENSIONS.map((extension) => `${stem}${extension}`), ...JS_INDEX.map((index) => `${base}${index}`)]) {
      if (this.fileSet.has(candidate)) return [candidate];
    }
    return [];
  }

  private python(fromFile: string, specifier: string): readonly string[] {
    const dots = /^\.*/.exec(specifier)?.[0].length ?? 0;
    const modulePath = specifier.slice(dots).replace(/\./g, '/');
    const roots: string[] = [];
    if (dots > 0) {
      let directory = path.posix.dirname(fromFile);
      for (let level = 1; level < dots; level += 1) directory = path.posix.dirname(directory);
      roots.push(directory === '.' ? '' : directory);
    } else roots.push('', 'src', 'lib');
    for (const root of roots) {
      const base = [root, modulePath].filter((part) => part !== '').join('/');
      for (const candidate of [`${base}.py`, `${base}/__init__.py`]) if (this.fileSet.has(candidate)) return [candidate];
    }
    return [];
  }

  private go(specifier: string): readonly string[] {
    const segments = specifier.split('/');
    // github.com/acme/shop/internal/cart -> internal/cart, shop/internal/cart, ... (longest match first).
    for (let start = 0; start < segments.length; start += 1) {
      const files = this.goPackages.get(segments.slice(start).join('/'));
      if (files) return files;
    }
    return [];
  }
}
