// Usage figures derived from the request, as the real services count them, for the stand-ins' replies
// when a script gives none. Tokens are estimated as characters / 4 of each block's JSON.
//
// Anthropic: explicit breakpoints (`cache_control`). A request reads from the cache the longest prefix
// that an earlier request wrote, found at a breakpoint or up to 20 blocks before one; it writes the prefix
// from there up to its last breakpoint. Prefixes under 1,024 tokens are not cached. `input_tokens` is the
// uncached rest. OpenAI: automatic prefix caching of prompts of 1,024 tokens or more, in 128-token steps,
// at message boundaries.

import { createHash, type Hash } from 'node:crypto';

const MIN_CACHEABLE = 1_024;
const LOOKBACK_BLOCKS = 20;

export interface DerivedUsage {
  /** Uncached input (Anthropic `input_tokens`); for OpenAI the whole prompt. */
  input: number;
  cacheRead: number;
  cacheCreation: number;
}

function tokensOf(value: unknown): number {
  return Math.ceil(JSON.stringify(value ?? null).length / 4);
}

function withoutCacheControl(block: unknown): unknown {
  if (block === null || typeof block !== 'object' || Array.isArray(block)) return block;
  const { cache_control: _ignored, ...rest } = block as Record<string, unknown>;
  return rest;
}

function hasCacheControl(block: unknown): boolean {
  return block !== null && typeof block === 'object' && 'cache_control' in (block as Record<string, unknown>) && (block as Record<string, unknown>).cache_control != null;
}

/** Tools, then system, then every message's content blocks: the order the cache prefix follows. */
export function anthropicBlocks(body: any): Array<{ value: unknown; breakpoint: boolean }> {
  const blocks: Array<{ value: unknown; breakpoint: boolean }> = [];
  for (const tool of Array.isArray(body?.tools) ? body.tools : []) blocks.push({ value: ['tool', withoutCacheControl(tool)], breakpoint: hasCacheControl(tool) });
  const system = body?.system;
  if (typeof system === 'string') blocks.push({ value: ['system', system], breakpoint: false });
  else for (const block of Array.isArray(system) ? system : []) blocks.push({ value: ['system', withoutCacheControl(block)], breakpoint: hasCacheControl(block) });
  for (const message of Array.isArray(body?.messages) ? body.messages : []) {
    if (typeof message?.content === 'string') blocks.push({ value: [message.role, message.content], breakpoint: false });
    else for (const block of Array.isArray(message?.content) ? message.content : []) blocks.push({ value: [message.role, withoutCacheControl(block)], breakpoint: hasCacheControl(block) });
  }
  return blocks;
}

export class AnthropicPromptCache {
  private readonly written = new Set<string>();

  usage(body: any): DerivedUsage {
    const blocks = anthropicBlocks(body);
    const hash: Hash = createHash('sha256').update(String(body?.model));
    const prefixHashes: string[] = [];
    const prefixTokens: number[] = [];
    let total = 0;
    for (const block of blocks) {
      hash.update(JSON.stringify(block.value));
      prefixHashes.push(hash.copy().digest('hex'));
      total += tokensOf(block.value);
      prefixTokens.push(total);
    }
    const breakpoints = blocks.flatMap((block, index) => (block.breakpoint ? [index] : []));
    let hit = -1;
    for (const point of breakpoints) {
      for (let index = point; index >= Math.max(0, point - LOOKBACK_BLOCKS); index -= 1) {
        if (this.written.has(prefixHashes[index] ?? '')) {
          hit = Math.max(hit, index);
          break;
        }
      }
    }
    const cacheRead = hit >= 0 ? (prefixTokens[hit] ?? 0) : 0;
    const last = breakpoints[breakpoints.length - 1];
    let cacheCreation = 0;
    if (last !== undefined && last > hit && (prefixTokens[last] ?? 0) >= MIN_CACHEABLE) {
      cacheCreation = (prefixTokens[last] ?? 0) - cacheRead;
      for (const point of breakpoints) if ((prefixTokens[point] ?? 0) >= MIN_CACHEABLE) this.written.add(prefixHashes[point] ?? '');
    }
    return { input: Math.max(0, total - cacheRead - cacheCreation), cacheRead, cacheCreation };
  }
}

/** OpenAI's automatic caching over a list of prompt parts (messages or input items), tools first. */
export class AutomaticPromptCache {
  private readonly seen = new Set<string>();

  usage(model: unknown, parts: readonly unknown[]): DerivedUsage {
    const hash: Hash = createHash('sha256').update(String(model));
    let total = 0;
    let cached = 0;
    const boundaries: string[] = [];
    for (const part of parts) {
      hash.update(JSON.stringify(part));
      total += tokensOf(part);
      const key = `${hash.copy().digest('hex')}`;
      boundaries.push(key);
      if (this.seen.has(key) && total >= MIN_CACHEABLE) cached = Math.floor(total / 128) * 128;
    }
    for (const key of boundaries) this.seen.add(key);
    return { input: total, cacheRead: Math.min(cached, total), cacheCreation: 0 };
  }
}
