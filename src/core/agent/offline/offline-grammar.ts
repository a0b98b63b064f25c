/** The mechanical instructions the offline agent understands, one per line (or separated by `;`). */
export type OfflineInstruction =
  | { readonly op: 'replace'; readonly search: string; readonly replacement: string; readonly scope?: string }
  | { readonly op: 'add'; readonly path: string; readonly content: string }
  | { readonly op: 'append'; readonly text: string; readonly path: string }
  | { readonly op: 'delete'; readonly path: string }
  | { readonly op: 'rename'; readonly from: string; readonly to: string };

export type ParseResult = { readonly ok: true; readonly instructions: OfflineInstruction[] } | { readonly ok: false; readonly unparsed: string };

const QUOTED = String.raw`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')`;
const PATH = String.raw`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s"';]+)`;

const PATTERNS: ReadonlyArray<readonly [RegExp, (match: RegExpExecArray) => OfflineInstruction]> = [
  [
    new RegExp(String.raw`^replace\s+${QUOTED}\s+with\s+${QUOTED}(?:\s+in\s+${PATH})?$`, 'is'),
    (m) => ({ op: 'replace', search: unquote(m[1]), replacement: unquote(m[2]), ...(m[3] ? { scope: unquote(m[3]) } : {}) }),
  ],
  [new RegExp(String.raw`^(?:add|create)\s+(?:a\s+)?(?:new\s+)?file\s+${PATH}\s+with\s+(?:content\s+)?${QUOTED}$`, 'is'), (m) => ({ op: 'add', path: unquote(m[1]), content: unquote(m[2]) })],
  [new RegExp(String.raw`^append\s+${QUOTED}\s+to\s+${PATH}$`, 'is'), (m) => ({ op: 'append', text: unquote(m[1]), path: unquote(m[2]) })],
  [new RegExp(String.raw`^(?:delete|remove)\s+(?:the\s+)?(?:file\s+)?${PATH}$`, 'is'), (m) => ({ op: 'delete', path: unquote(m[1]) })],
  [new RegExp(String.raw`^(?:rename|move)\s+(?:the\s+)?(?:file\s+)?${PATH}\s+to\s+${PATH}$`, 'is'), (m) => ({ op: 'rename', from: unquote(m[1]), to: unquote(m[2]) })],
];

function unquote(token: string | undefined): string {
  if (token === undefined) return '';
  const quote = token[0];
  if ((quote !== '"' && quote !== "'") || token.length < 2 || token[token.length - 1] !== quote) return token;
  return token.slice(1, -1).replace(/\\(.)/gs, (_all, char: string) => (char === 'n' ? '\n' : char === 't' ? '\t' : char));
}

/** Splits on newlines and on `;` outside quotes, so one prompt can hold several instructions. */
function splitStatements(prompt: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let index = 0; index < prompt.length; index += 1) {
    const char = prompt[index] ?? '';
    if (quote) {
      current += char;
      if (char === '\\') {
        current += prompt[index + 1] ?? '';
        index += 1;
      } else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
      current += char;
    } else if (char === ';' || char === '\n') {
      statements.push(current);
      current = '';
    } else current += char;
  }
  statements.push(current);
  return statements.map((statement) => statement.trim().replace(/[.]$/, '')).filter((statement) => statement !== '');
}

export function parseOfflinePrompt(prompt: string): ParseResult {
  const instructions: OfflineInstruction[] = [];
  for (const statement of splitStatements(prompt)) {
    const parsed = PATTERNS.map(([pattern, build]) => {
      const match = pattern.exec(statement);
      return match ? build(match) : undefined;
    }).find((instruction) => instruction !== undefined);
    if (!parsed) return { ok: false, unparsed: statement };
    instructions.push(parsed);
  }
  return instructions.length === 0 ? { ok: false, unparsed: prompt } : { ok: true, instructions };
}
