// dynalite 4.0.0 ships no types; this covers the programmatic API the tests use.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  /** Options of an in-process dynalite server. */
  interface DynaliteOptions {
    /** LevelDB directory; in memory when omitted. */
    path?: string;
    /** How long created tables stay CREATING (default 500). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** Maximum item size (default 400, as DynamoDB). */
    maxItemSizeKb?: number;
    ssl?: boolean;
    verbose?: boolean;
    debug?: boolean;
  }

  /** Creates an HTTP server speaking the DynamoDB JSON protocol (not yet listening). */
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
