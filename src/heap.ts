/**
 * Garbage-collector settings for the server process. Under load V8 sizes its heap for
 * throughput: the young generation grows to 3 × 16 MB and the old one to about 4× what is
 * live, so resident memory climbed from 90 to 146 MB within 20,000 calls although the live
 * heap stayed at ~20 MB (heap snapshots before and after show no growth). Two settings
 * bound it: `npm start` and the Docker image start node with `--max-semi-space-size=8`
 * (it can only be given at start), and here the old generation is collected at 1.5× what
 * is live. Together: resident memory flat near 110 MB for about 9% more CPU per call
 * (BENCHMARKS.md). An operator's own value of either flag wins.
 */
import { setFlagsFromString } from 'node:v8';

/** V8 flags applied at run time, unless the operator gave the same flag. */
export const HEAP_FLAGS = ['--heap-growing-percent=50'];

/** Applies HEAP_FLAGS; call first thing at start-up. */
export function tuneHeap(execArgv: readonly string[], nodeOptions: string | undefined): void {
  const given = `${execArgv.join(' ')} ${nodeOptions ?? ''}`;
  for (const flag of HEAP_FLAGS) {
    const name = flag.split('=')[0] ?? flag;
    if (!given.includes(name)) setFlagsFromString(flag);
  }
}
