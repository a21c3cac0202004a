// Reading a vendor's answer without trusting its size: the decoded body (after gzip/deflate/br, which
// fetch undoes as it streams) is counted as it arrives and reading stops at the cap, so neither a huge
// nor an endless body nor a compression bomb can take more memory than the cap.

/** A body as read: its text, or why there is none. */
export type BodyRead =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'too-large'; readonly limit: number }
  | { readonly kind: 'not-utf8' };

/**
 * Reads at most `maxBytes` of decoded body. With `truncate` (an error answer, read only for its words)
 * what fits is kept and invalid UTF-8 is replaced; otherwise a larger body is `too-large` and one that
 * is not UTF-8 is `not-utf8`.
 */
export async function readBody(response: Response, maxBytes: number, truncate: boolean): Promise<BodyRead> {
  if (!truncate && declaredTooLarge(response.headers, maxBytes)) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'too-large', limit: maxBytes };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  while (reader !== undefined) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      if (!truncate) return { kind: 'too-large', limit: maxBytes };
      chunks.push(value.subarray(0, value.byteLength - (total - maxBytes)));
      break;
    }
    chunks.push(value);
  }
  try {
    return { kind: 'text', text: new TextDecoder('utf-8', { fatal: !truncate }).decode(Buffer.concat(chunks)) };
  } catch {
    return { kind: 'not-utf8' };
  }
}

/** An uncompressed body whose Content-Length already says it is too large is not read at all. */
function declaredTooLarge(headers: Headers, maxBytes: number): boolean {
  const encoding = headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return false;
  const length = Number(headers.get('content-length') ?? Number.NaN);
  return Number.isFinite(length) && length > maxBytes;
}
