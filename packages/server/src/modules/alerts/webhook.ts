import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { WsAlert } from '@evision/contract';
import { guardedLookup, isPrivateAddress, type Resolver, systemResolver } from './ssrf';

export const WEBHOOK_TIMEOUT_MS = 5_000;

export interface WebhookResult {
  ok: boolean;
  /** The receiver's status code; the body is never read into storage. */
  statusCode: number | null;
  reason: string | null;
}

/** One line of text describing an alert (webhooks, e-mail subject). */
export function alertLine(a: WsAlert): string {
  const h = a.hit;
  const point = h.point === null ? '' : ` ${h.point}`;
  return `${a.rule.name}: ${h.event} — ${h.market} ${h.outcome}${point} at ${h.book} ${h.price} (EV ${h.ev_percent.toFixed(2)} %)`;
}

export function webhookPayload(style: 'discord' | 'slack' | 'json', a: WsAlert): unknown {
  if (style === 'discord') return { content: alertLine(a).slice(0, 2000), allowed_mentions: { parse: [] } };
  if (style === 'slack') return { text: alertLine(a) };
  return { type: 'alert', ...a };
}

/**
 * POSTs `payload` as JSON. http(s) only, each resolved address checked at connect time
 * (ssrf.ts), redirects not followed (a 3xx is a failure), 5 s overall timeout.
 */
export function postWebhook(
  url: string,
  payload: unknown,
  options: { allowPrivate: boolean; resolver?: Resolver; timeoutMs?: number },
): Promise<WebhookResult> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, statusCode: null, reason: 'invalid URL' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return Promise.resolve({ ok: false, statusCode: null, reason: 'only http and https are allowed' });
  }
  // Node skips `lookup` for an address literal: check it here (names are checked at connect).
  const literal = u.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !options.allowPrivate && isPrivateAddress(literal)) {
    return Promise.resolve({ ok: false, statusCode: null, reason: `${literal} is a private address` });
  }
  const body = Buffer.from(JSON.stringify(payload));
  const lookup = guardedLookup(options.resolver ?? systemResolver, options.allowPrivate);
  const transport = u.protocol === 'https:' ? https : http;
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: WebhookResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = transport.request(
      u,
      {
        method: 'POST',
        // A fresh agent per call: no pooled socket skips the connect-time check.
        agent: new transport.Agent({ keepAlive: false, lookup } as http.AgentOptions),
        lookup: lookup as never,
        headers: {
          'content-type': 'application/json',
          'content-length': String(body.length),
          'user-agent': 'EVision-alerts/1',
        },
      },
      (res) => {
        const code = res.statusCode ?? 0;
        res.resume(); // drain; never stored
        if (code >= 200 && code < 300) finish({ ok: true, statusCode: code, reason: null });
        else if (code >= 300 && code < 400)
          finish({ ok: false, statusCode: code, reason: 'redirects are not followed' });
        else finish({ ok: false, statusCode: code, reason: `status ${code}` });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error('timeout'));
      finish({ ok: false, statusCode: null, reason: `no answer within ${timeoutMs / 1000} s` });
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const reason =
        err.name === 'BlockedAddressError' ? err.message : `${err.code ?? 'error'}: ${err.message}`;
      finish({ ok: false, statusCode: null, reason: reason.slice(0, 300) });
    });
    req.end(body);
  });
}
