// The repository map as it was before issue 11 (commit 603428d), kept verbatim as the recall bench's baseline.
import { extensionOf } from './extract-symbols';

/**
 * Ranks repository paths by how likely they matter for a prompt, from the paths alone (no file reads),
 * so it stays linear and fast on large repositories. Signals: a path or file name the prompt mentions,
 * prompt words that appear in path segments, well-known entry files, and shallow depth.
 */

const STOP_WORDS = new Set(
  'the and for with that this from into add adds added make makes use uses using should would could please file files code change changes update fix new all any are was were not but can its our your their them then than when what which who how why where also only just more most some such very each both into onto over under about after before while there here have has had does did done been being will shall may might must let lets get set via per like want need needs able'.split(
    ' ',
  ),
);

const SOURCE_EXTENSIONS = new Set(['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'py', 'go', 'rs', 'java', 'kt', 'cs', 'rb', 'php', 'swift', 'scala', 'c', 'h', 'cpp', 'hpp', 'vue', 'svelte']);
const BINARY_EXTENSIONS = new Set(
  'png jpg jpeg gif bmp ico webp svgz tiff pdf zip gz tgz bz2 xz 7z rar jar war class so dylib dll exe bin o a lib wasm woff woff2 ttf otf eot mp3 mp4 mov avi wav flac ogg webm psd sqlite db pyc'.split(' '),
);
const LOW_VALUE = /(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|poetry\.lock|Gemfile\.lock|composer\.lock|go\.sum)$|\.min\.(js|css)$|\.map$|(^|\/)(vendor|dist|build|out|node_modules|__snapshots__|fixtures)\//;
const ENTRY_FILES = /^(readme(\.\w+)?|package\.json|pyproject\.toml|go\.mod|cargo\.toml|setup\.py|pom\.xml|build\.gradle|makefile|index\.\w+|main\.\w+|app\.\w+)$/i;
const TEST_PATH = /(^|\/)(tests?|__tests__|spec)\/|\.(test|spec)\.\w+$|_test\.\w+$/i;

/** Lower-case words of an identifier or path: `signupHandler.ts` -> signup, handler, ts. */
export function splitWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

export interface PromptTerms {
  /** Distinct content words of the prompt, 3+ characters, without stop words. */
  readonly words: readonly string[];
  /** Path-like tokens the prompt names (`src/a.ts`, `signup.py`). */
  readonly paths: readonly string[];
}

export function promptTerms(prompt: string): PromptTerms {
  const words = new Set<string>();
  // Pure numbers ("return a 400") name values, not files.
  for (const word of splitWords(prompt)) if (word.length >= 3 && !STOP_WORDS.has(word) && !/^\d+$/.test(word)) words.add(word);
  const paths = new Set<string>();
  for (const match of prompt.matchAll(/[\w@.\-/]+\.[A-Za-z0-9]{1,8}\b|[\w@.\-]+\/[\w@.\-/]+/g)) {
    paths.add(match[0].replace(/^\.\//, '').replace(/[.,;:]+$/, ''));
  }
  return { words: [...words], paths: [...paths] };
}

function wordMatches(pathWord: string, promptWord: string): boolean {
  if (pathWord === promptWord) return true;
  // Cheap stemming: "validation" ~ "validate", "handlers" ~ "handler".
  const shorter = pathWord.length < promptWord.length ? pathWord : promptWord;
  const longer = shorter === pathWord ? promptWord : pathWord;
  return shorter.length >= 4 && longer.startsWith(shorter.slice(0, Math.max(4, shorter.length - 2)));
}

export function isBinaryPath(relativePath: string): boolean {
  return BINARY_EXTENSIONS.has(extensionOf(relativePath));
}

export interface RankedFile {
  readonly path: string;
  readonly score: number;
}

/** How strongly each prompt word points at a file: rare words (few paths contain them) count most. */
export type WordWeights = ReadonlyMap<string, number>;

/** Bit masks are 32-bit: a prompt's first 30 distinct words are plenty to rank paths. */
const MAX_WORDS = 30;

export interface Ranking {
  readonly files: RankedFile[];
  readonly weights: WordWeights;
}

/**
 * Every path with its score, best first; ties keep path order so the map is deterministic.
 * Linear in the number of paths: each distinct path word is compared with the prompt words once (as a bit
 * mask), and each directory is split into words once, which keeps 10,000 paths well under a second.
 */
export function rankFiles(files: readonly string[], terms: PromptTerms): Ranking {
  const words = terms.words.slice(0, MAX_WORDS);
  const mentionsTests = words.some((word) => word.startsWith('test') || word === 'spec');
  const tokenMasks = new Map<string, number>();
  const maskOfWords = (tokens: readonly string[]): number => {
    let mask = 0;
    for (const token of tokens) {
      let tokenMask = tokenMasks.get(token);
      if (tokenMask === undefined) {
        tokenMask = 0;
        for (let index = 0; index < words.length; index += 1) if (wordMatches(token, words[index] ?? '')) tokenMask |= 1 << index;
        tokenMasks.set(token, tokenMask);
      }
      mask |= tokenMask;
    }
    return mask;
  };
  const directoryMasks = new Map<string, number>();
  const nameMasks = new Array<number>(files.length);
  const dirMasks = new Array<number>(files.length);
  const frequency = new Array<number>(words.length).fill(0);
  files.forEach((file, fileIndex) => {
    const slash = file.lastIndexOf('/');
    const directory = slash > 0 ? file.slice(0, slash) : '';
    let dirMask = directoryMasks.get(directory);
    if (dirMask === undefined) {
      dirMask = directory === '' ? 0 : maskOfWords(splitWords(directory));
      directoryMasks.set(directory, dirMask);
    }
    const nameMask = maskOfWords(splitWords(file.slice(slash + 1).replace(/\.[^.]+$/, '')));
    nameMasks[fileIndex] = nameMask;
    dirMasks[fileIndex] = dirMask;
    const any = nameMask | dirMask;
    if (any !== 0) for (let index = 0; index < words.length; index += 1) if (any & (1 << index)) frequency[index] = (frequency[index] ?? 0) + 1;
  });
  // Inverse document frequency over paths, scaled to 0.2..1: "handler" in 1 of 8 paths counts less than "signup" in 1.
  const weightList = words.map((_word, index) => Math.max(0.2, Math.log((files.length + 1) / ((frequency[index] ?? 0) + 1)) / Math.log(files.length + 2)));

  const ranked = files.map((file, fileIndex): RankedFile => {
    const basename = file.slice(file.lastIndexOf('/') + 1);
    let depth = 0;
    for (let index = file.indexOf('/'); index >= 0; index = file.indexOf('/', index + 1)) depth += 1;
    let score = -depth * 0.25;
    for (const mentioned of terms.paths) {
      if (file === mentioned) score += 100;
      else if (basename === mentioned || file.endsWith(`/${mentioned}`)) score += 40;
    }
    const nameMask = nameMasks[fileIndex] ?? 0;
    const dirMask = dirMasks[fileIndex] ?? 0;
    if ((nameMask | dirMask) !== 0) {
      for (let index = 0; index < words.length; index += 1) {
        const bit = 1 << index;
        if (nameMask & bit) score += 10 * (weightList[index] ?? 1);
        else if (dirMask & bit) score += 4 * (weightList[index] ?? 1);
      }
    }
    if (ENTRY_FILES.test(basename)) score += depth === 0 ? 4 : 1;
    const extension = extensionOf(file);
    if (SOURCE_EXTENSIONS.has(extension)) score += 1;
    if (BINARY_EXTENSIONS.has(extension)) score -= 10;
    if (!mentionsTests && TEST_PATH.test(file)) score -= 1;
    if (LOW_VALUE.test(file)) score -= 6;
    return { path: file, score };
  });
  ranked.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: ranked, weights: new Map(words.map((word, index) => [word, weightList[index] ?? 1])) };
}
