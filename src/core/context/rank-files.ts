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
  for (const word of splitWords(prompt)) if (word.length >= 3 && !STOP_WORDS.has(word)) words.add(word);
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

export function scorePath(relativePath: string, terms: PromptTerms, mentionsTests: boolean): number {
  const slash = relativePath.lastIndexOf('/');
  const basename = relativePath.slice(slash + 1);
  const depth = relativePath.split('/').length - 1;
  let score = 0;
  for (const mentioned of terms.paths) {
    if (relativePath === mentioned) score += 100;
    else if (relativePath.endsWith(`/${mentioned}`) || basename === mentioned) score += 40;
  }
  const nameWords = splitWords(basename.replace(/\.[^.]+$/, ''));
  const dirWords = slash > 0 ? splitWords(relativePath.slice(0, slash)) : [];
  for (const word of terms.words) {
    if (nameWords.some((nameWord) => wordMatches(nameWord, word))) score += 8;
    else if (dirWords.some((dirWord) => wordMatches(dirWord, word))) score += 3;
  }
  if (ENTRY_FILES.test(basename)) score += depth === 0 ? 4 : 1;
  if (SOURCE_EXTENSIONS.has(extensionOf(relativePath))) score += 1;
  if (!mentionsTests && TEST_PATH.test(relativePath)) score -= 1;
  if (LOW_VALUE.test(relativePath)) score -= 6;
  if (isBinaryPath(relativePath)) score -= 10;
  return score - depth * 0.25;
}

/** Every path with its score, best first; ties keep path order so the map is deterministic. */
export function rankFiles(files: readonly string[], terms: PromptTerms): RankedFile[] {
  const mentionsTests = terms.words.some((word) => word.startsWith('test') || word === 'spec');
  const ranked = files.map((path) => ({ path, score: scorePath(path, terms, mentionsTests) }));
  return ranked.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
