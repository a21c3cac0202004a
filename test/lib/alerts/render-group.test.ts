import { describe, expect, it } from 'vitest';
import { renderGroupChatbot, renderGroupEmail, renderGroupJson, renderGroupSms } from '../../../lib/alerts/render-group.js';
import { isGsm7Basic } from '../../../lib/alerts/text.js';
import type { Alert } from '../../../lib/alerts/types.js';

const alert = (key: string, severity: Alert['severity'], status: Alert['status'] = 'firing'): Alert => ({
  key,
  account: key.split('/')[0]!,
  provider: 'pixelcut',
  kind: 'balance.low',
  severity,
  status,
  title: `${key.split('/')[0]}: balance below 100 credits`,
  message: 'Available: 80 credits (alert below 100).',
  at: '2026-11-20T06:00:00.000Z',
  facts: { available: 80 },
});

describe('grouped messages (what quiet hours held)', () => {
  const alerts = [alert('img/balance.low', 'warning'), alert('vid/budget.actual:50/2026-11', 'info'), alert('api/balance.low', 'warning', 'resolved')];

  it('mails one message: the highest severity in the subject, every alert with its key', () => {
    const { subject, text } = renderGroupEmail(alerts);
    expect(subject).toBe('[WARNING] 3 alerts from the quiet hours: img, vid, api');
    expect(text).toContain('1. img: balance below 100 credits');
    expect(text).toContain('3. RESOLVED: api: balance below 100 credits');
    expect(text.match(/Alert key: /g)).toHaveLength(3);
  });

  it('sends one SMS of at most 140 GSM-7 characters, and one Chatbot card', () => {
    const sms = renderGroupSms(alerts);
    const card = renderGroupChatbot(alerts);
    expect(sms.length).toBeLessThanOrEqual(140);
    expect(isGsm7Basic(sms)).toBe(true);
    expect(sms.startsWith('WARNING: 3 alerts: img: balance below 100 credits;')).toBe(true);
    expect(card.content.title).toBe(':bell: 3 alerts from the quiet hours');
    expect(card.content.description.split('\n• ')).toHaveLength(3);
  });

  it('gives machines every alert in its contract form', () => {
    expect(renderGroupJson(alerts).alerts.map((a) => a.key)).toEqual(alerts.map((a) => a.key));
  });
});
