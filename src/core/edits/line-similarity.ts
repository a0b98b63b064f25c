/** Whitespace-insensitive form of a line: no indentation, no trailing space, inner runs collapsed. */
export function normalizeLine(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

const MAX_COMPARED_LENGTH = 400;

/** 1 - Levenshtein distance / longer length; 1 for equal lines. Very long lines only match exactly. */
export function lineSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  if (a.length > MAX_COMPARED_LENGTH || b.length > MAX_COMPARED_LENGTH) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_unused, index) => index);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    [previous, current] = [current, previous];
  }
  return 1 - (previous[b.length] ?? longer) / longer;
}

/** An upper bound of lineSimilarity from the lengths alone, to skip hopeless comparisons. */
export function similarityUpperBound(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - Math.abs(a.length - b.length) / longer;
}
