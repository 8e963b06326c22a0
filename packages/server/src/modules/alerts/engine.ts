import type { EvHit, HitFilterSet, WsAlert } from '@evision/contract';
import { hitMatches } from '@evision/ev-core';
import type { Config } from '../../config';
import type { PubSub, PubSubMessage } from '../../infra/pubsub';
import { escapeHtml, type Mailer } from './mailer';
import type { AlertRepo, Channel, DeliveryRow, RuleRow } from './repo';
import type { Resolver } from './ssrf';
import { alertLine, postWebhook, webhookPayload } from './webhook';

/** Pub/sub topic telling every instance that someone's rules changed. */
export const RULES_TOPIC = 'alerts:rules';
const RULES_TTL_MS = 5_000;
const FIRED_CACHE = 50_000;

export interface AlertEngineOptions {
  repo: AlertRepo;
  pubsub: PubSub;
  mailer: Mailer;
  config: Config;
  now: () => number;
  log: { error(obj: unknown, msg?: string): void; warn(obj: unknown, msg?: string): void };
  /** DNS for webhooks (tests pass a rebinding one). */
  resolver?: Resolver;
  /** Retries: first after `retryBaseMs`, then ×4 each time, `maxAttempts` in all. */
  retryBaseMs?: number;
  maxAttempts?: number;
  /** How often pending retries are swept (every instance sweeps; claims are atomic). */
  sweepMs?: number;
}

type Outcome =
  | { status: 'sent'; statusCode?: number | null }
  | { status: 'suppressed'; reason: string }
  | { status: 'failed'; reason: string; statusCode?: number | null; retry: boolean };

/**
 * Fires alert rules. It listens to this instance's own `ev` messages (new, reopened and updated
 * hits — the instance that received a hit, from the engine or a bot, is the one that fires it),
 * tests every enabled rule's filter with ev-core's `hitMatches`, and claims the
 * (rule, hit, opening) key in the database before delivering: one alert per key, whatever the
 * number of instances. An opening starts when a hit appears or reopens (`ev.hit.new`, from any
 * instance); an update that moves the hit into a filter fires it for that opening.
 */
export class AlertEngine {
  private rules: RuleRow[] | null = null;
  private rulesAt = 0;
  private readonly openings = new Map<string, string>();
  private readonly fired = new Set<string>();
  private chain: Promise<unknown> = Promise.resolve();
  private pending: EvHit[] = [];
  private readonly unsubscribes: Array<() => void> = [];
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;
  private readonly retryBaseMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly o: AlertEngineOptions) {
    this.retryBaseMs = o.retryBaseMs ?? 30_000;
    this.maxAttempts = o.maxAttempts ?? 5;
  }

  start(): void {
    this.unsubscribes.push(
      this.o.pubsub.subscribe('ev', (m, _json, remote) => this.onHit(m as PubSubMessage<EvHit>, remote)),
      this.o.pubsub.subscribe(RULES_TOPIC, () => this.invalidate()),
    );
    this.sweeper = setInterval(() => void this.sweep(), this.o.sweepMs ?? 5_000);
    this.sweeper.unref();
  }

  /** Waits for the firings queued so far (tests, shutdown). */
  async idle(): Promise<void> {
    await this.chain;
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribes.splice(0)) u();
    clearInterval(this.sweeper);
    await this.chain.catch(() => {});
  }

  invalidate(): void {
    this.rules = null;
  }

  rulesChanged(): void {
    this.invalidate();
    this.o.pubsub.publish(RULES_TOPIC, 'alerts.rules.changed', {});
  }

  private onHit(m: PubSubMessage<EvHit>, remote: boolean): void {
    const hit = m.data;
    if (m.type === 'ev.hit.new') {
      this.openings.set(hit.id, hit.last_seen_at);
      if (this.openings.size > 200_000) this.openings.delete(this.openings.keys().next().value as string);
    } else if (m.type === 'ev.hit.closed') {
      this.openings.delete(hit.id);
    }
    if (remote || (m.type !== 'ev.hit.new' && m.type !== 'ev.hit.updated') || hit.status !== 'active') return;
    this.pending.push({ ...hit });
    if (this.pending.length === 1) {
      this.chain = this.chain
        .then(() => new Promise((r) => setImmediate(r)))
        .then(() => this.evaluate(this.pending.splice(0)))
        .catch((err) => this.o.log.error({ err }, 'alert evaluation failed'));
    }
  }

  private async loadRules(): Promise<RuleRow[]> {
    const now = this.o.now();
    if (!this.rules || now - this.rulesAt > RULES_TTL_MS) {
      this.rules = await this.o.repo.enabledRules();
      this.rulesAt = now;
    }
    return this.rules;
  }

  private async evaluate(hits: EvHit[]): Promise<void> {
    const rules = await this.loadRules();
    if (rules.length === 0) return;
    const now = this.o.now();
    for (const hit of hits) {
      const opening = this.openings.get(hit.id) ?? hit.first_seen_at;
      for (const rule of rules) {
        const filter = { ...(rule.filter as HitFilterSet), status: 'active' as const };
        if (!hitMatches(hit, filter, now)) continue;
        const key = `${rule.id}|${hit.id}|${opening}`;
        if (this.fired.has(key)) continue;
        this.fired.add(key);
        if (this.fired.size > FIRED_CACHE) this.fired.delete(this.fired.values().next().value as string);
        await this.fire(rule, hit, opening);
      }
    }
  }

  private async fire(rule: RuleRow, hit: EvHit, opening: string): Promise<void> {
    const at = new Date(this.o.now());
    const firingId = await this.o.repo.claimFiring(rule.id, hit.id, opening, hit, at);
    if (firingId === undefined) return; // another instance (or an earlier cycle) has this key
    const channels: Channel[] = [];
    if (rule.websocket) channels.push('websocket');
    if (rule.email) channels.push('email');
    if (rule.webhookUrl) channels.push('webhook');
    if (channels.length === 0) return;
    const open = await this.o.repo.enterQuiet(rule.id, at);
    const rows = await this.o.repo.insertDeliveries(
      channels.map((channel) => ({
        firingId,
        ruleId: rule.id,
        userId: rule.userId,
        hitId: hit.id,
        channel,
        status: open ? ('pending' as const) : ('suppressed' as const),
        reason: open ? null : 'quiet_period',
        // Claimed by this instance for a minute; the sweeper retries it after that if we die.
        nextAttemptAt: open ? new Date(at.getTime() + 60_000) : null,
        createdAt: at,
        updatedAt: at,
      })),
    );
    if (!open) return;
    const alert: WsAlert = { rule: { id: rule.id, name: rule.name }, hit, fired_at: at.toISOString() };
    await Promise.all(rows.map((d) => this.attempt(d, rule, alert)));
  }

  /** Retries due deliveries (any instance's: claims are compare-and-set). */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const due = await this.o.repo.claimDue(new Date(this.o.now()), 60_000);
      for (const d of due) {
        const rule = await this.o.repo.ruleById(d.ruleId);
        const hit = (await this.o.repo.firingHit(d.firingId)) as EvHit | undefined;
        if (!rule || !hit) continue;
        const alert: WsAlert = {
          rule: { id: rule.id, name: rule.name },
          hit,
          fired_at: d.createdAt.toISOString(),
        };
        await this.attempt(d, rule, alert);
      }
    } catch (err) {
      this.o.log.error({ err }, 'alert retry sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private async attempt(d: DeliveryRow, rule: RuleRow, alert: WsAlert): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.send(d, rule, alert);
    } catch (err) {
      outcome = {
        status: 'failed',
        reason: String((err as Error).message ?? err).slice(0, 300),
        retry: true,
      };
    }
    const now = new Date(this.o.now());
    const attempts = d.attempts + 1;
    if (outcome.status === 'failed' && outcome.retry && attempts < this.maxAttempts) {
      const delay = this.retryBaseMs * 4 ** (attempts - 1);
      await this.o.repo.updateDelivery(d.id, {
        status: 'pending',
        attempts,
        reason: outcome.reason,
        statusCode: outcome.statusCode ?? null,
        nextAttemptAt: new Date(now.getTime() + delay),
        updatedAt: now,
      });
      return;
    }
    await this.o.repo.updateDelivery(d.id, {
      status: outcome.status,
      attempts,
      reason: outcome.status === 'sent' ? null : outcome.reason,
      statusCode: 'statusCode' in outcome ? (outcome.statusCode ?? null) : null,
      nextAttemptAt: null,
      updatedAt: now,
    });
  }

  private async send(d: DeliveryRow, rule: RuleRow, alert: WsAlert): Promise<Outcome> {
    if (d.channel === 'websocket') {
      this.o.pubsub.publish(`user:${rule.userId}`, 'alert', alert);
      return { status: 'sent' };
    }
    if (d.channel === 'webhook') {
      if (!rule.webhookUrl)
        return { status: 'failed', reason: 'the rule no longer has a webhook', retry: false };
      const r = await postWebhook(rule.webhookUrl, webhookPayload(rule.webhookStyle ?? 'json', alert), {
        allowPrivate: this.o.config.alerts.webhookAllowPrivate,
        resolver: this.o.resolver,
      });
      if (r.ok) return { status: 'sent', statusCode: r.statusCode };
      const code = r.statusCode;
      // Worth retrying: no answer, 5xx, 429. Not: a refused address, a redirect, other 4xx.
      const retry =
        code === null ? !/private address|only http/.test(r.reason ?? '') : code >= 500 || code === 429;
      return { status: 'failed', reason: r.reason ?? 'failed', statusCode: code, retry };
    }
    // e-mail
    if (!this.o.mailer.available) {
      return { status: 'failed', reason: this.o.mailer.reason ?? 'e-mail unavailable', retry: false };
    }
    const user = await this.o.repo.user(rule.userId);
    if (!user?.verified)
      return { status: 'failed', reason: 'the e-mail address is not verified', retry: false };
    const cap = this.o.config.alerts.emailsPerHour;
    const sent = await this.o.repo.emailsSentSince(rule.userId, new Date(this.o.now() - 3_600_000));
    if (sent >= cap) return { status: 'suppressed', reason: `email_rate_limit (${cap} an hour)` };
    await this.o.mailer.send(alertMail(user.email, alert));
    await this.o.repo.recordEmailSent(rule.userId, new Date(this.o.now()));
    return { status: 'sent' };
  }
}

export function alertMail(to: string, a: WsAlert) {
  const h = a.hit;
  const line = alertLine(a);
  const row = (k: string, v: string) =>
    `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`;
  const html = [
    `<p>Your alert <b>${escapeHtml(a.rule.name)}</b> matched a hit:</p>`,
    '<table>',
    row('Event', h.event),
    row('Starts', h.commence_time),
    row('Market', `${h.market} ${h.outcome}${h.point === null ? '' : ` ${h.point}`}`),
    row('Book', h.book),
    row('Price', String(h.price)),
    row('Fair odds', String(h.fair_odds)),
    row('EV', `${h.ev_percent.toFixed(2)} %`),
    '</table>',
  ].join('\n');
  return { to, subject: `EVision alert — ${line}`.slice(0, 200).replace(/[\r\n]+/g, ' '), text: line, html };
}
