import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { extractTags, type FileTags } from '../../src/core/context/extract-tags';
import { selectContext } from '../../src/core/context/select-context';

const names = (tags: FileTags | null) => tags?.definitions.map((definition) => `${definition.kind} ${definition.name}`) ?? [];
const references = (tags: FileTags | null) => new Map(tags?.references ?? []);

const IMPORT_LIST = ['import {', '  type Foo,', '  type Bar,', '  Baz,', "} from './types';", ''].join('\n');

describe('tree-sitter tags (issue 11: symbols from a real parser)', () => {
  test('TypeScript: declarations only, never the names of an import list', async () => {
    const tags = await extractTags(
      'src/cart.ts',
      [
        IMPORT_LIST,
        '// class Commented {}',
        'const banner = "function notAFunction() {}";',
        'export class Cart extends Baz {',
        '  add(item: Foo): void {',
        '    if (item) { total(item); }',
        '  }',
        '}',
        'export interface Shape { area(): number }',
        'export type Id = string;',
        'export enum Colour { Red }',
        'export const total = (item: Bar) => item;',
        'export async function checkout(cart: Cart): Promise<void> {}',
      ].join('\n'),
    );
    assert.deepEqual(names(tags), ['constant banner', 'class Cart', 'method add', 'interface Shape', 'method area', 'type Id', 'enum Colour', 'function total', 'function checkout']);
    const cart = tags?.definitions.find((definition) => definition.name === 'Cart');
    assert.equal(cart?.text, 'export class Cart extends Baz');
    assert.equal(cart?.line, 8);
    // Uses in code count; words in comments and strings do not.
    assert.equal(references(tags).get('Foo'), 2);
    assert.equal(references(tags).get('total'), 2);
    assert.equal(references(tags).has('Commented'), false);
    assert.equal(references(tags).has('notAFunction'), false);
  });

  test('TSX and JSX components, CommonJS exports', async () => {
    assert.deepEqual(names(await extractTags('src/App.tsx', 'export function App(props: Props) {\n  return <Button onClick={go}>Hello there</Button>;\n}\nconst go = () => 1;\n')), ['function App', 'function go']);
    const jsx = await extractTags('src/list.jsx', "const React = require('react');\nmodule.exports.renderList = function (items) { return <ul>{items.map(Item)}</ul>; };\nclass Store { load() {} }\n");
    // `const React = require(...)` is an import, not a declaration of this file.
    assert.deepEqual(names(jsx), ['function renderList', 'class Store', 'method load']);
    assert.equal(references(jsx).get('Item'), 1);
  });

  test('Python and Go', async () => {
    const python = await extractTags('shop/cart.py', 'from .models import (\n    Item,\n    Price,\n)\n\nTAX = 0.2\n\nclass Cart:\n    """class NotReal"""\n    def add(self, item: Item):\n        return price_of(item)\n\ndef price_of(item):\n    pass\n');
    assert.deepEqual(names(python), ['constant TAX', 'class Cart', 'function add', 'function price_of']);
    assert.equal(references(python).has('NotReal'), false);
    const go = await extractTags('cart/cart.go', 'package cart\n\nimport (\n\t"fmt"\n)\n\ntype Cart struct{ items []Item }\n\nconst MaxItems = 10\n\nfunc (c *Cart) Add(item Item) { fmt.Println(item) }\n\nfunc New() *Cart { return &Cart{} }\n');
    assert.deepEqual(names(go), ['type Cart', 'constant MaxItems', 'method Add', 'function New']);
    assert.equal(references(go).get('Item'), 2);
  });

  test('a real file from an installed package', async () => {
    const file = path.join(__dirname, '..', '..', 'node_modules', '@anthropic-ai', 'sdk', 'src', 'core', 'pagination.ts');
    const tags = await extractTags('src/core/pagination.ts', await readFile(file, 'utf8'));
    const found = names(tags);
    for (const expected of ['class AbstractPage', 'method hasNextPage', 'class PagePromise', 'interface PageResponse', 'class Page', 'type PageRequestOptions']) assert.ok(found.includes(expected), expected);
    // Its import lines declare nothing.
    assert.ok(!tags?.definitions.some((definition) => /^import\b|^\s*type \w+,/.test(definition.text)));
  });

  test('the map never shows an import-list line as a symbol (the regex map showed `type Foo,`)', async () => {
    const files: Record<string, string> = {
      'src/checkout.ts': `${IMPORT_LIST}export function checkout(cart: Foo): Bar {\n  return cart as Bar;\n}\n`,
      'src/types.ts': 'export interface Foo { id: string }\nexport interface Bar { id: string }\nexport class Baz {}\n',
    };
    const map = await selectContext({ files: Object.keys(files), prompt: 'Fix checkout', read: async (file) => files[file] ?? null });
    assert.match(map.text, /src\/checkout\.ts\n {2}export function checkout\(cart: Foo\): Bar/);
    assert.doesNotMatch(map.text, /type Foo,|type Bar,/);
  });
});
