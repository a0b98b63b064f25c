const STOP_WORDS = new Set(['a', 'an', 'the', 'to', 'of', 'in', 'on', 'and', 'with', 'for', 'please']);

/** A short, readable, ref-safe slug of the prompt: `add-input-validation`. */
export function slugify(prompt: string, maxLength = 32): string {
  const words = prompt
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((word) => word !== '' && !STOP_WORDS.has(word));
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > maxLength) break;
    slug = next;
  }
  return slug === '' ? (words[0]?.slice(0, maxLength) ?? 'change') || 'change' : slug;
}

/** `tiny-backspace/<slug>-<short-id>`; the id part keeps concurrent runs of one prompt apart. */
export function branchName(prefix: string, prompt: string, requestId: string): string {
  const cleanPrefix = prefix
    .split('/')
    .map((part) => part.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '').replace(/\.{2,}/g, '.'))
    .filter((part) => part !== '' && !part.endsWith('.lock'))
    .join('/');
  const shortId = requestId.replace(/[^a-z0-9]/gi, '').slice(0, 8).toLowerCase();
  return `${cleanPrefix || 'tiny-backspace'}/${slugify(prompt)}-${shortId}`;
}
