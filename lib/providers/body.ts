// Reading a vendor's answer without trusting its size: the decoded body (after gzip/deflate/br, which
// the transport undoes as it streams) is counted as it arrives and reading stops at the cap, so neither
// a huge nor an endless body nor a compression bomb can take more memory than the cap.

/** A body as read: its text, or why there is none. */
export type BodyRead =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'too-large'; readonly limit: number }
  | { readonly kind: 'not-utf8' };

/** The response headers the client reads (a fetch `Headers` is one). */
export interface HeaderReader {
  get(name: string): string | null;
}

// Used whole (never streaming), so one of each serves every body. Both drop a leading byte-order mark.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const LENIENT_UTF8 = new TextDecoder('utf-8');

/**
 * Collects at most `maxBytes` of decoded body. With `truncate` (an error answer, read only for its
 * words) what fits is kept and invalid UTF-8 is replaced; otherwise a larger body is `too-large` and
 * one that is not UTF-8 is `not-utf8`.
 */
export class BodyCollector {
  private readonly chunks: Uint8Array[] = [];
  private total = 0;
  private over = false;

  constructor(
    private readonly maxBytes: number,
    private readonly truncate: boolean,
  ) {}

  /** Takes the next chunk; false once the cap is passed (stop reading: what fits is kept when truncating). */
  add(chunk: Uint8Array): boolean {
    this.total += chunk.byteLength;
    if (this.total > this.maxBytes) {
      this.over = true;
      if (this.truncate) this.chunks.push(chunk.subarray(0, chunk.byteLength - (this.total - this.maxBytes)));
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  /** The body as read so far. */
  finish(): BodyRead {
    if (this.over && !this.truncate) return { kind: 'too-large', limit: this.maxBytes };
    const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    try {
      return { kind: 'text', text: (this.truncate ? LENIENT_UTF8 : STRICT_UTF8).decode(bytes) };
    } catch {
      return { kind: 'not-utf8' };
    }
  }
}

/** Reads a fetch `Response`'s body within the cap (see `BodyCollector`). */
export async function readBody(response: Response, maxBytes: number, truncate: boolean): Promise<BodyRead> {
  if (!truncate && declaredTooLarge(response.headers, maxBytes)) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'too-large', limit: maxBytes };
  }
  const collector = new BodyCollector(maxBytes, truncate);
  const reader = response.body?.getReader();
  while (reader !== undefined) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!collector.add(value)) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return collector.finish();
}

/** An uncompressed body whose Content-Length already says it is too large is not read at all. */
export function declaredTooLarge(headers: HeaderReader, maxBytes: number): boolean {
  const encoding = headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return false;
  const length = Number(headers.get('content-length') ?? Number.NaN);
  return Number.isFinite(length) && length > maxBytes;
}
