// What the link function answers: GET shows what a token would do and changes nothing (mail scanners
// open links); POST snoozes or undoes. Independent of Lambda: functions/snooze-link-handler.ts adapts
// Function URL events to it, and the end-to-end test serves it over node:http.
import { createSilence, isActive, type Silence } from '../alerts/silences.js';
import type { AlertStateStore } from '../state/types.js';
import { confirmPage, refusalPage, snoozedPage, undonePage, type LinkResponse, type Refusal } from './pages.js';
import { TOKEN_PARAM } from './signer.js';
import { silenceIdOf, verifyToken, type LinkKey, type SignatureEquals, type SnoozeClaim } from './token.js';

/** One HTTP request, as far as the link function reads it. */
export interface LinkRequest {
  readonly method: string;
  readonly path: string;
  /** The query string without `?`. */
  readonly rawQuery: string;
  /** The body as text (already base64-decoded). */
  readonly body?: string;
  readonly contentType?: string;
}

/** What answering needs: the signing key (or keys: the current one first, then the one before a rotation), the store's silences and the instant. */
export interface LinkContext {
  readonly key: LinkKey | readonly LinkKey[];
  readonly store: Pick<AlertStateStore, 'listSilences' | 'addSilence' | 'removeSilence'>;
  readonly now: Date;
  /** For tests of the constant-time comparison only. */
  readonly equals?: SignatureEquals;
}

/** The response and, for the log, what happened (never the token or the secret). */
export interface LinkAnswer {
  readonly response: LinkResponse;
  readonly outcome: string;
  readonly silenceId?: string;
}

/** A form is a few hundred bytes; anything much larger is not ours. */
export const MAX_FORM_BYTES = 4096;

/** Answers one request; a store failure rejects (the caller logs it and shows `refusalPage('unavailable')`). */
export async function answerLinkRequest(request: LinkRequest, context: LinkContext): Promise<LinkAnswer> {
  if (request.path !== '/' && request.path !== '') return refused('not-found');
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') {
    const answer = await answerGet(request, context);
    return method === 'HEAD' ? { ...answer, response: { ...answer.response, body: '' } } : answer;
  }
  if (method === 'POST') return answerPost(request, context);
  return refused('method');
}

async function answerGet(request: LinkRequest, context: LinkContext): Promise<LinkAnswer> {
  const token = single(new URLSearchParams(request.rawQuery), TOKEN_PARAM);
  if (token === undefined) return refused('missing-token');
  const verified = verifyToken(context.key, token, context.now, context.equals);
  if ('problem' in verified) return refused(verified.problem);
  const id = silenceIdOf(token);
  const existing = await findSilence(context, id);
  if (existing !== undefined) return alreadyMade(existing, token, context.now);
  return { response: confirmPage(verified.claim, token, context.now), outcome: 'confirm-shown', silenceId: id };
}

async function answerPost(request: LinkRequest, context: LinkContext): Promise<LinkAnswer> {
  const mediaType = (request.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') return refused('unsupported-media');
  const body = request.body ?? '';
  if (Buffer.byteLength(body) > MAX_FORM_BYTES) return refused('too-large');
  const form = new URLSearchParams(body);
  const action = single(form, 'action');
  if (action !== 'snooze' && action !== 'undo') return refused('bad-form');
  // The page posts the token in the form; a form without one falls back on the address it was posted to.
  const token = form.has(TOKEN_PARAM) ? single(form, TOKEN_PARAM) : single(new URLSearchParams(request.rawQuery), TOKEN_PARAM);
  if (token === undefined) return refused('missing-token');
  const verified = verifyToken(context.key, token, context.now, context.equals);
  if ('problem' in verified) return refused(verified.problem);
  return action === 'snooze' ? snooze(verified.claim, token, context) : undo(token, context);
}

async function snooze(claim: SnoozeClaim, token: string, context: LinkContext): Promise<LinkAnswer> {
  const id = silenceIdOf(token);
  const silence = createSilence({
    id,
    matcher: claim.matcher,
    now: context.now,
    durationMs: claim.durationMs,
    reason: `snoozed from alert ${claim.alertKey}`,
    createdBy: 'snooze link',
    // Known until the link expires, so a replay after an undo is recognised and refused.
    keepUntil: claim.linkExpiresAt,
  });
  if ('problem' in silence) return refused('malformed');
  if (await context.store.addSilence(silence)) return { response: snoozedPage(silence, token, true), outcome: 'snoozed', silenceId: id };
  const existing = await findSilence(context, id);
  // Gone between the write and the read only if it expired meanwhile: the link has too.
  return existing === undefined ? refused('expired') : alreadyMade(existing, token, context.now);
}

async function undo(token: string, context: LinkContext): Promise<LinkAnswer> {
  const id = silenceIdOf(token);
  const removed = await context.store.removeSilence(id, context.now);
  if (removed === undefined) return refused('nothing-to-undo');
  return { response: undonePage(removed, context.now), outcome: 'undone', silenceId: id };
}

/** A link used before: its silence shown if still on, else refused (undone, or over). */
function alreadyMade(silence: Silence, token: string, now: Date): LinkAnswer {
  if (silence.removedAt !== undefined) return refused('undone', silence.id);
  if (!isActive(silence, now)) return refused('ended', silence.id);
  return { response: snoozedPage(silence, token, false), outcome: 'already-snoozed', silenceId: silence.id };
}

async function findSilence(context: LinkContext, id: string): Promise<Silence | undefined> {
  return (await context.store.listSilences()).find((silence) => silence.id === id);
}

/** A parameter given exactly once, non-empty; undefined otherwise. */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 && values[0] !== '' ? values[0] : undefined;
}

function refused(refusal: Refusal, silenceId?: string): LinkAnswer {
  return { response: refusalPage(refusal), outcome: refusal, ...(silenceId !== undefined && { silenceId }) };
}
