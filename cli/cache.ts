import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FileAnalysis } from './analyze-file.js';
import { readOwnFile } from './files.js';

/** One cached file: its content hash, the stat data that lets a warm run skip reading it, the result. */
interface Entry {
  hash: string;
  size: number;
  mtimeMs: number;
  result: FileAnalysis;
}

interface CacheFile {
  /** statecheck version and analysis settings: a different key means a different cache. */
  key: string;
  entries: Record<string, Entry>;
}

export const DEFAULT_CACHE_LOCATION = join('node_modules', '.cache', 'statecheck');

/**
 * Per-file results keyed on content hash, statecheck version and effective settings. A warm
 * run stats each file; size and mtime unchanged means the content hash is reused without
 * reading (as git's index does); otherwise the file is read and hashed. A corrupt, foreign or
 * unreadable cache file is ignored, never fatal.
 */
export class ResultCache {
  private readonly entries: Record<string, Entry>;
  private readonly next: Record<string, Entry> = {};
  readonly file: string;

  constructor(
    location: string,
    private readonly key: string,
  ) {
    this.file = resolve(location, 'results.json');
    this.entries = load(this.file, key);
  }

  /**
   * The cached entry of `path`: `fresh` when size and mtime are unchanged (the result is reused
   * without reading the file); otherwise its content hash, for the analysis to compare.
   */
  lookup(path: string): { fresh: FileAnalysis } | { knownHash?: string } {
    const entry = this.entries[path];
    if (!entry) return {};
    try {
      const stats = statSync(path);
      if (entry.size === stats.size && entry.mtimeMs === stats.mtimeMs) {
        this.next[path] = entry;
        return { fresh: entry.result };
      }
    } catch {
      return {};
    }
    return { knownHash: entry.hash };
  }

  /** The cached result whose hash the analysis found unchanged. */
  cached(path: string): FileAnalysis | undefined {
    return this.entries[path]?.result;
  }

  store(path: string, hash: string | undefined, result: FileAnalysis): void {
    if (hash === undefined) return;
    try {
      const stats = statSync(path);
      this.next[path] = { hash, size: stats.size, mtimeMs: stats.mtimeMs, result };
    } catch {
      // Deleted during the scan: nothing to remember.
    }
  }

  /** Writes the entries seen in this run (others are dropped), atomically. */
  save(): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ key: this.key, entries: this.next } satisfies CacheFile));
      renameSync(temporary, this.file);
    } catch {
      // A read-only checkout or a full disk must not fail the scan.
    }
  }
}

/** A stable hash of what the analysis depends on. */
export function cacheKey(version: string, settings: unknown): string {
  return createHash('sha1').update(`${version}\0${JSON.stringify(settings)}`).digest('hex');
}

function load(file: string, key: string): Record<string, Entry> {
  try {
    const parsed = JSON.parse(readOwnFile(file)) as Partial<CacheFile>;
    if (parsed && parsed.key === key && parsed.entries && typeof parsed.entries === 'object') return parsed.entries;
  } catch {
    // Missing, corrupt or foreign: start empty.
  }
  return {};
}
