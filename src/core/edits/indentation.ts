/**
 * Indentation styles and the mapping from a snippet's indentation to the file's. Models re-indent what
 * they quote (tabs become spaces, 4 becomes 2, a block loses its outer depth); lines an edit writes take
 * the file's own style and depth instead.
 */
const TAB_COLUMNS = 4;

export interface IndentStyle {
  /** One level: '\t', or a run of spaces. */
  readonly unit: string;
}

export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

export function columnsOf(indent: string): number {
  let columns = 0;
  for (const char of indent) columns += char === '\t' ? TAB_COLUMNS : 1;
  return columns;
}

function unitColumns(style: IndentStyle): number {
  return style.unit === '\t' ? TAB_COLUMNS : style.unit.length;
}

/** Tabs when most indented lines start with a tab; else the most common step between indent widths. */
export function detectIndentStyle(lines: readonly string[], fallback: IndentStyle = { unit: '  ' }): IndentStyle {
  let tabs = 0;
  let spaces = 0;
  const steps = new Map<number, number>();
  let previous = -1;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const indent = indentOf(line);
    if (indent.startsWith('\t')) tabs += 1;
    else if (indent.startsWith(' ')) spaces += 1;
    const width = indent.startsWith('\t') ? -1 : indent.length;
    if (previous >= 0 && width >= 0 && width !== previous) {
      const step = Math.abs(width - previous);
      if (step <= 8) steps.set(step, (steps.get(step) ?? 0) + 1);
    }
    previous = width;
  }
  if (tabs > spaces) return { unit: '\t' };
  if (spaces === 0) return fallback;
  let best = 0;
  let bestCount = 0;
  for (const [step, count] of steps) if (count > bestCount || (count === bestCount && step < best)) [best, bestCount] = [step, count];
  if (best === 0) return fallback.unit === '\t' ? { unit: ' '.repeat(TAB_COLUMNS) } : fallback;
  return { unit: ' '.repeat(best) };
}

function render(levels: number, style: IndentStyle): string {
  if (levels <= 0) return '';
  const whole = Math.floor(levels + 1e-9);
  const rest = Math.round((levels - whole) * unitColumns(style));
  return style.unit.repeat(whole) + ' '.repeat(rest);
}

export interface IndentPair {
  /** A snippet line's indentation... */
  readonly snippet: string;
  /** ...and the indentation of the file line it matched. */
  readonly file: string;
}

/**
 * Maps snippet indentation to file indentation, learned from the lines that matched. An indentation seen
 * on a matched line maps to that line's; any other is placed by its depth relative to the nearest seen one.
 */
export class IndentMapper {
  private readonly known = new Map<string, string>();
  private readonly anchors: Array<{ snippetColumns: number; fileLevels: number }> = [];
  private readonly snippetUnit: number;

  constructor(
    pairs: readonly IndentPair[],
    snippetLines: readonly string[],
    private readonly fileStyle: IndentStyle,
  ) {
    for (const pair of pairs) {
      if (!this.known.has(pair.snippet)) {
        this.known.set(pair.snippet, pair.file);
        this.anchors.push({ snippetColumns: columnsOf(pair.snippet), fileLevels: columnsOf(pair.file) / unitColumns(fileStyle) });
      }
    }
    this.snippetUnit = this.learnSnippetUnit(snippetLines);
  }

  map(indent: string): string {
    const known = this.known.get(indent);
    if (known !== undefined) return known;
    const columns = columnsOf(indent);
    let anchor = this.anchors[0];
    for (const candidate of this.anchors) {
      if (!anchor) anchor = candidate;
      const better = candidate.snippetColumns <= columns && (anchor.snippetColumns > columns || candidate.snippetColumns > anchor.snippetColumns);
      if (better) anchor = candidate;
    }
    if (!anchor) return render(columns / this.snippetUnit, this.fileStyle);
    return render(anchor.fileLevels + (columns - anchor.snippetColumns) / this.snippetUnit, this.fileStyle);
  }

  /** Columns per level in the snippet: from matched pairs at different depths, else from the snippet itself. */
  private learnSnippetUnit(snippetLines: readonly string[]): number {
    const ratios = new Map<number, number>();
    for (const a of this.anchors) {
      for (const b of this.anchors) {
        const levels = b.fileLevels - a.fileLevels;
        if (levels >= 1 && Number.isInteger(levels)) {
          const ratio = (b.snippetColumns - a.snippetColumns) / levels;
          if (ratio >= 1 && Number.isInteger(ratio)) ratios.set(ratio, (ratios.get(ratio) ?? 0) + 1);
        }
      }
    }
    let best = 0;
    let bestCount = 0;
    for (const [ratio, count] of ratios) if (count > bestCount) [best, bestCount] = [ratio, count];
    if (best > 0) return best;
    return unitColumns(detectIndentStyle(snippetLines, this.fileStyle));
  }
}
