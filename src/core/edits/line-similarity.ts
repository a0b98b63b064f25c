/**
 * How two lines of code compare for the edit ladder. Lines are read as tokens (words, numbers, string
 * literals, single punctuation characters), so whitespace never matters between tokens. Two lines are
 *   - `same`: the same tokens;
 *   - `slip`: the same tokens except for a typo of at most MAX_SLIP characters in identifiers at least
 *     MIN_SLIP_WORD long (`item` for `items`; never in their digits: `handler2` is not `handler3`), or
 *     one missing/extra punctuation character;
 *   - `different`: anything else. A different string literal, number or (short or distant) identifier
 *     is always `different`: the ladder never takes one for another.
 */
export type LineComparison = 'same' | 'slip' | 'different';

const MAX_SLIP = 2;
const MIN_SLIP_WORD = 4;

const TOKEN = /[A-Za-z_$][\w$]*|\d[\w.]*|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?|\S/g;

export function tokenize(line: string): string[] {
  return line.match(TOKEN) ?? [];
}

/** A whitespace-free key: two lines with the same key have the same tokens. */
export function lineKey(line: string): string {
  return tokenize(line).join('\u0001');
}

/** Whitespace-insensitive form of a line, for messages and quick checks. */
export function normalizeLine(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

function isWord(token: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(token);
}

function isPunctuation(token: string): boolean {
  return token.length === 1 && !/[\w$"'`]/.test(token);
}

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Character edit distance, bounded: returns limit + 1 as soon as the distance must exceed limit. */
export function boundedDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length * 2 + 1);
    rowB = new Int32Array(b.length * 2 + 1);
  }
  let previous = rowA;
  let current = rowB;
  for (let j = 0; j <= b.length; j += 1) previous[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let rowMin = i;
    const code = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j += 1) {
      const cost = code === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? limit + 1;
}

function digitsOf(word: string): string {
  return word.replace(/\D+/g, ' ');
}

/** Cost of turning token a into token b as a slip, or Infinity when it is a different token. */
function substitution(a: string, b: string): number {
  if (a === b) return 0;
  if (!isWord(a) || !isWord(b) || Math.max(a.length, b.length) < MIN_SLIP_WORD) return Infinity;
  // `handler12` and `handler13` are two names, not a typo: a slip never touches the digits.
  if (digitsOf(a) !== digitsOf(b)) return Infinity;
  const distance = boundedDistance(a, b, MAX_SLIP);
  return distance <= MAX_SLIP ? distance : Infinity;
}

/** Compares token lists that already differ; linear in their length for the common equal-length case. */
export function compareTokens(a: readonly string[], b: readonly string[]): LineComparison {
  if (Math.abs(a.length - b.length) > 1) return 'different';
  let cost = 0;
  if (a.length === b.length) {
    for (let index = 0; index < a.length && cost <= MAX_SLIP; index += 1) cost += substitution(a[index] ?? '', b[index] ?? '');
    return cost <= MAX_SLIP ? 'slip' : 'different';
  }
  // One token more on one side: only a punctuation character may be missing (a dropped `;` or `,`).
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  for (let skip = 0; skip < longer.length; skip += 1) {
    if (!isPunctuation(longer[skip] ?? '')) continue;
    let total = 1;
    for (let index = 0, other = 0; index < shorter.length && total <= MAX_SLIP; index += 1, other += 1) {
      if (other === skip) other += 1;
      total += substitution(longer[other] ?? '', shorter[index] ?? '');
    }
    if (total <= MAX_SLIP) return 'slip';
  }
  return 'different';
}

export function compareLines(a: string, b: string): LineComparison {
  const left = tokenize(a);
  const right = tokenize(b);
  if (left.join('\u0001') === right.join('\u0001')) return 'same';
  return compareTokens(left, right);
}
