import type { AlertPublisher } from '../../lib/delivery/types.js';

export { createMemoryStore } from '../../lib/state/memory-store.js';

/** A publisher that sends nothing and never fails. */
export function createNoopPublisher(): AlertPublisher & { readonly count: () => number } {
  let published = 0;
  return {
    count: () => published,
    async publish(): Promise<void> {
      published += 1;
    },
  };
}
