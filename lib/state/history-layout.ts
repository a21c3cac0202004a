import { encodeSamples, jsonSamples, runText, sampleTokens } from './sample-codec.js';
import type { BalanceSample } from './types.js';

// How the DynamoDB store lays an account's balance history out over items, so that a run writes only
// what changed. The newest samples (the tail) ride in the account item, which every run rewrites
// anyway; when they would make it take another 1 KB write unit they are sealed into chunk items, each
// written once and never again (it expires when the check no longer keeps its samples). A chunk never
// holds the newest sample: only that one can be thinned away later (appendBalanceSample drops the middle
// of a run of unchanged balances), and retention only drops the oldest, so sealed samples never change.

/** A chunk item as loaded: its id (the instant of its first sample) and every sample it holds. */
export interface StoredChunk {
  readonly id: string;
  readonly samples: readonly BalanceSample[];
}

/** A chunk item to write. */
export interface ChunkWrite extends StoredChunk {
  readonly text: string;
  /** Its newest sample's instant: the chunk expires when that sample is past the retention. */
  readonly lastAt: string;
}

/** What saving a history writes: the tail (in the account item), new chunks, and chunks no longer needed. */
export interface HistoryPlan {
  /**
   * The history's first instant: chunk samples before it are leftovers of pruning, hidden on load.
   * Undefined when the tail holds the whole history (it is not in order): chunks are then ignored.
   */
  readonly from?: string;
  readonly tail: readonly BalanceSample[];
  readonly put: readonly ChunkWrite[];
  /** Ids of chunks to delete. */
  readonly drop: readonly string[];
}

/** The sizes the layout must respect. */
export interface LayoutLimits {
  /** Whether the account item with this tail text takes no more write units than with the newest sample alone. */
  readonly tailFits: (text: string) => boolean;
  /** Bytes a chunk's text may take (a chunk item is then at most one write unit). */
  readonly chunkBytes: number;
}

/**
 * The writes that store `history` given the chunks already stored: chunks whose samples still agree
 * with it are kept (samples before the history's first are leftovers of pruning, hidden on load), the
 * others are dropped, and samples no kept chunk holds go to new chunks or the tail.
 */
export function planHistory(history: readonly BalanceSample[], stored: readonly StoredChunk[], limits: LayoutLimits): HistoryPlan {
  if (history.length === 0 || !inOrder(history)) {
    // Out of order or not canonical (never written by the check): the whole history in the account item.
    return { tail: history, put: [], drop: stored.map((c) => c.id) };
  }
  const { kept, drop } = keptChunks(history, stored);
  const covered = new Array<boolean>(history.length).fill(false);
  let lastCovered = -1;
  for (const { from, to } of kept) {
    for (let i = from; i <= to; i++) covered[i] = true;
    lastCovered = Math.max(lastCovered, to);
  }
  const put: ChunkWrite[] = [];
  // Samples before the last kept chunk that no chunk holds (a dropped chunk's): chunks of their own.
  let start = -1;
  for (let i = 0; i <= lastCovered; i++) {
    if (!covered[i] && start < 0) start = i;
    // The last kept chunk's last index is covered: every such run ends here.
    if (covered[i] && start >= 0) {
      put.push(...chunksOf(history.slice(start, i), limits.chunkBytes));
      start = -1;
    }
  }
  let tail = history.slice(lastCovered + 1);
  if (tail.length > 1 && !limits.tailFits(encodeSamples(tail))) {
    put.push(...chunksOf(tail.slice(0, -1), limits.chunkBytes));
    tail = tail.slice(-1);
  }
  const putIds = new Set(put.map((c) => c.id));
  return { from: history[0]!.at, tail, put, drop: drop.filter((id) => !putIds.has(id)) };
}

/** `toISOString`'s form (four-digit years): such instants compare as strings. */
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Whether the samples' instants are in `toISOString`'s form, strictly increasing. */
function inOrder(history: readonly BalanceSample[]): boolean {
  let previous = '';
  for (const { at } of history) {
    if (!(at > previous) || !ISO_INSTANT.test(at)) return false;
    previous = at;
  }
  return true;
}

/**
 * The stored chunks that agree with the history, each as the range of history indexes it covers: every
 * sample it holds from the history's first on is in the history with the same balance, nothing of the
 * history inside its range is missing, and it does not hold the newest sample.
 */
function keptChunks(history: readonly BalanceSample[], stored: readonly StoredChunk[]) {
  const first = history[0]!.at;
  const kept: { id: string; from: number; to: number }[] = [];
  const drop: string[] = [];
  for (const chunk of stored) {
    // Instants in toISOString's form (inOrder checked the history's; decoded ones are) compare as strings.
    const relevant = (chunk.samples[0]?.at ?? '') >= first ? chunk.samples : chunk.samples.filter((s) => s.at >= first);
    const from = relevant.length === 0 ? -1 : indexOf(history, relevant[0]!.at);
    const agrees =
      from >= 0 &&
      from + relevant.length < history.length &&
      relevant.every((s, k) => history[from + k]!.at === s.at && history[from + k]!.available === s.available);
    if (agrees) kept.push({ id: chunk.id, from, to: from + relevant.length - 1 });
    else drop.push(chunk.id);
  }
  return { kept, drop };
}

/** The index of the sample at `at` in a history in order (binary search), or -1. */
function indexOf(history: readonly BalanceSample[], at: string): number {
  let low = 0;
  let high = history.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const here = history[middle]!.at;
    if (here === at) return middle;
    if (here < at) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** Consecutive samples as chunks of at most `bytes` of text each (at least one sample a chunk). */
function chunksOf(samples: readonly BalanceSample[], bytes: number): ChunkWrite[] {
  if (samples.length === 0) return [];
  const tokens = sampleTokens(samples);
  // Balances the compact form cannot hold exactly (more than 9 decimals): one JSON chunk.
  if (tokens === undefined) return [chunkOf(samples, jsonSamples(samples))];
  const chunks: ChunkWrite[] = [];
  let start = 0;
  let length = tokens.header.length + tokens.first(0).length;
  for (let i = 1; i <= samples.length; i++) {
    const grown = i < samples.length ? length + 1 + tokens.next(i).length : Infinity;
    if (grown <= bytes) {
      length = grown;
      continue;
    }
    chunks.push(chunkOf(samples.slice(start, i), runText(tokens, start, i)));
    start = i;
    length = i < samples.length ? tokens.header.length + tokens.first(i).length : 0;
  }
  return chunks;
}

function chunkOf(samples: readonly BalanceSample[], text: string): ChunkWrite {
  return { id: samples[0]!.at, samples, text, lastAt: samples[samples.length - 1]!.at };
}
