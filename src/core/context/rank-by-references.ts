import type { Definition, FileTags } from './extract-tags';
import { pageRank } from './page-rank';
import type { ImportResolver } from './resolve-imports';
import { isBinaryPath, isLowValuePath, isTestPath, splitWords, type PromptTerms, type Ranking } from './rank-files';

/**
 * Ranks files the way Aider's repository map does: a file that uses a name another file defines gives an
 * edge user → definer, and personalised PageRank over those edges finds the files the rest of the code
 * leans on, near what the prompt is about. The restart distribution is the prompt: its words matched
 * against each file's path, the names it defines and the names it uses (identifiers split on camelCase and
 * snake_case, weighted by rarity), and the files the prompt names outright.
 */

export interface RankedMapFile {
  readonly path: string;
  readonly score: number;
  readonly node: number;
}

export interface ReferenceRanking {
  /** Every file, best first. */
  readonly files: readonly RankedMapFile[];
  /** A file's definitions, most important first (those the ranked files use most, and those the prompt names). */
  readonly definitionsOf: (file: RankedMapFile) => readonly Definition[];
}

export interface ReferenceRankInput {
  /** Every file, in the order `pathRanking` was computed over. */
  readonly files: readonly string[];
  readonly tags: ReadonlyMap<string, FileTags>;
  readonly terms: PromptTerms;
  readonly pathRanking: Ranking;
  readonly resolver: ImportResolver;
}

/** A name defined in more files than this is generic (`get`, `parse`); its edges count a tenth. */
const COMMON_DEFINITION_FILES = 5;
const MIN_NAME_LENGTH = 3;
/**
 * A name defined in more files than this (`get`, `render`, `handler` in a generated tree) says nothing
 * about which file a use means, and linking every user to every definer is quadratic: no edges.
 */
const MAX_DEFINING_FILES = 12;
/** A ceiling on the graph whatever the repository: PageRank and the definition ranking stay linear in it. */
const MAX_EDGES = 1_000_000;
/** An import is a use of the module as a whole: worth a few uses of one of its names. */
const IMPORT_WEIGHT = 2;

function wordMaskOf(name: string, maskOf: (token: string) => number, cache: Map<string, number>): number {
  let mask = cache.get(name);
  if (mask === undefined) {
    mask = 0;
    for (const word of splitWords(name)) mask |= maskOf(word);
    cache.set(name, mask);
  }
  return mask;
}

function bitWeight(mask: number, weights: readonly number[]): number {
  let sum = 0;
  for (let bit = 0; mask !== 0 && bit < weights.length; bit += 1, mask >>>= 1) if (mask & 1) sum += weights[bit] ?? 0;
  return sum;
}

export function rankByReferences(input: ReferenceRankInput): ReferenceRanking {
  const { files, tags, terms, pathRanking, resolver } = input;
  const { maskOf, words } = pathRanking;
  const nameMaskCache = new Map<string, number>();
  const indexOf = new Map(files.map((file, index) => [file, index]));
  const mentionsTests = words.some((word) => word.startsWith('test') || word === 'spec');

  // Which files define each name.
  const definers = new Map<string, number[]>();
  for (const [file, fileTags] of tags) {
    const node = indexOf.get(file);
    if (node === undefined) continue;
    for (const definition of fileTags.definitions) {
      const list = definers.get(definition.name);
      if (!list) definers.set(definition.name, [node]);
      else if (list[list.length - 1] !== node) list.push(node);
    }
  }

  // Prompt words per file: in its definitions and in the names its code uses.
  const definitionMasks = new Array<number>(files.length).fill(0);
  const referenceMasks = new Array<number>(files.length).fill(0);
  if (words.length > 0) {
    for (const [file, fileTags] of tags) {
      const node = indexOf.get(file);
      if (node === undefined) continue;
      let definitionMask = 0;
      for (const definition of fileTags.definitions) definitionMask |= wordMaskOf(definition.name, maskOf, nameMaskCache);
      let referenceMask = 0;
      for (const [name] of fileTags.references) if (name.length >= MIN_NAME_LENGTH) referenceMask |= wordMaskOf(name, maskOf, nameMaskCache);
      definitionMasks[node] = definitionMask;
      referenceMasks[node] = referenceMask;
    }
  }
  // Rarity of each prompt word over paths, definitions and uses: a word in every file says little.
  const frequency = new Array<number>(words.length).fill(0);
  for (let node = 0; node < files.length; node += 1) {
    let mask = (pathRanking.nameMasks[node] ?? 0) | (pathRanking.dirMasks[node] ?? 0) | (definitionMasks[node] ?? 0) | (referenceMasks[node] ?? 0);
    for (let bit = 0; mask !== 0; bit += 1, mask >>>= 1) if (mask & 1) frequency[bit] = (frequency[bit] ?? 0) + 1;
  }
  const weights = words.map((_word, bit) => Math.max(0.05, Math.log((files.length + 1) / ((frequency[bit] ?? 0) + 1)) / Math.log(files.length + 2)));

  const personalization = files.map((file, node) => {
    let score = 10 * bitWeight(pathRanking.nameMasks[node] ?? 0, weights);
    score += 4 * bitWeight((pathRanking.dirMasks[node] ?? 0) & ~(pathRanking.nameMasks[node] ?? 0), weights);
    score += 6 * bitWeight(definitionMasks[node] ?? 0, weights);
    score += 2 * bitWeight(referenceMasks[node] ?? 0, weights);
    const basename = file.slice(file.lastIndexOf('/') + 1);
    for (const mentioned of terms.paths) {
      if (file === mentioned) score += 100;
      else if (basename === mentioned || file.endsWith(`/${mentioned}`)) score += 40;
    }
    if (isBinaryPath(file)) return 0;
    // Squared, so a file matching several of the prompt's words outweighs many matching one.
    let value = score * score;
    if (!mentionsTests && isTestPath(file)) value *= 0.3;
    if (isLowValuePath(file)) value *= 0.1;
    return value;
  });

  // Edges user → definer, weighted as Aider does: sqrt(uses), x10 for names the prompt mentions,
  // x0.1 for private and generic names.
  const from: number[] = [];
  const to: number[] = [];
  const weight: number[] = [];
  const edgeName: string[] = [];
  for (const [file, fileTags] of tags) {
    const source = indexOf.get(file);
    if (source === undefined) continue;
    // Imports give edges even to files the parse budget did not reach.
    for (const specifier of fileTags.imports) {
      for (const imported of resolver.resolve(file, specifier)) {
        const target = indexOf.get(imported);
        if (target === undefined || target === source) continue;
        from.push(source);
        to.push(target);
        weight.push(IMPORT_WEIGHT);
        edgeName.push('');
      }
    }
    for (const [name, count] of fileTags.references) {
      if (name.length < MIN_NAME_LENGTH) continue;
      const targets = definers.get(name);
      if (!targets || targets.length > MAX_DEFINING_FILES || from.length >= MAX_EDGES) continue;
      let multiplier = 1;
      if (wordMaskOf(name, maskOf, nameMaskCache) !== 0) multiplier *= 10;
      if (name.startsWith('_')) multiplier *= 0.1;
      if (targets.length > COMMON_DEFINITION_FILES) multiplier *= 0.1;
      for (const target of targets) {
        if (target === source) continue;
        from.push(source);
        to.push(target);
        weight.push(multiplier * Math.sqrt(count));
        edgeName.push(name);
      }
    }
  }
  const rank = pageRank({ nodeCount: files.length, from, to, weight }, personalization);

  // Best first: files with rank, by rank (ties by path score), then the rest in path-score order. Sorting
  // only the ranked ones keeps 100,000-file repositories fast.
  const pathScores = pathRanking.scores;
  const rankedNodes: number[] = [];
  for (let node = 0; node < files.length; node += 1) if ((rank[node] ?? 0) > 0) rankedNodes.push(node);
  rankedNodes.sort((a, b) => (rank[b] ?? 0) - (rank[a] ?? 0) || (pathScores[b] ?? 0) - (pathScores[a] ?? 0) || ((files[a] ?? '') < (files[b] ?? '') ? -1 : 1));
  const included = new Set(rankedNodes);
  const order = [...rankedNodes];
  for (const file of pathRanking.files) {
    const node = indexOf.get(file.path);
    if (node !== undefined && !included.has(node)) order.push(node);
  }

  const outWeight = new Float64Array(files.length);
  for (let edge = 0; edge < from.length; edge += 1) {
    const source = from[edge] ?? 0;
    outWeight[source] = (outWeight[source] ?? 0) + (weight[edge] ?? 0);
  }
  /** Each definition's share of the rank flowing into its file, plus the prompt naming it; computed on demand. */
  const definitionsOf = (node: number): readonly Definition[] => {
    const definitions = tags.get(files[node] ?? '')?.definitions ?? [];
    if (definitions.length <= 1) return definitions;
    const fileRank = rank[node] ?? 0;
    const flow = new Map<string, number>();
    for (let edge = 0; edge < from.length; edge += 1) {
      if (to[edge] !== node) continue;
      const source = from[edge] ?? 0;
      const name = edgeName[edge] ?? '';
      flow.set(name, (flow.get(name) ?? 0) + ((rank[source] ?? 0) * (weight[edge] ?? 0)) / (outWeight[source] || 1));
    }
    const importance = (definition: Definition): number =>
      (flow.get(definition.name) ?? 0) + (wordMaskOf(definition.name, maskOf, nameMaskCache) !== 0 ? fileRank : 0) + (definition.kind === 'method' ? 0 : fileRank * 0.01);
    return definitions
      .map((definition) => ({ definition, score: importance(definition) }))
      .sort((a, b) => b.score - a.score || a.definition.line - b.definition.line)
      .map(({ definition }) => definition);
  };
  return {
    files: order.map((node) => ({ path: files[node] ?? '', score: rank[node] ?? 0, node })),
    definitionsOf: (file) => definitionsOf(file.node),
  };
}
