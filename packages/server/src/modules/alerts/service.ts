import type {
  AlertDelivery,
  AlertRule,
  AlertRuleCreate,
  AlertRuleUpdate,
  AlertRuleCreate as CreateSchema,
} from '@evision/contract';
import type { z } from 'zod';
import type { Config } from '../../config';
import { AppError, conflict, notFound } from '../../infra/errors';
import type { AlertEngine } from './engine';
import type { Mailer } from './mailer';
import type { AlertRepo, DeliveryRow, RuleRow } from './repo';
import { maskUrl } from './ssrf';

const MAX_RULES_PER_USER = 100;

/** `ctx.alerts`: a user's rules and deliveries (routes.ts), the engine that fires them. */
export class AlertService {
  constructor(
    readonly repo: AlertRepo,
    readonly engine: AlertEngine,
    readonly mailer: Mailer,
    private readonly config: Config,
    private readonly now: () => number,
  ) {}

  async channels(userId: number) {
    const user = await this.repo.user(userId);
    return {
      websocket: { available: true as const },
      email: {
        available: this.mailer.available,
        ...(this.mailer.reason ? { reason: this.mailer.reason } : {}),
        address_verified: Boolean(user?.verified),
        emails_per_hour: this.config.alerts.emailsPerHour,
      },
      webhook: {
        available: true as const,
        private_addresses_allowed: this.config.alerts.webhookAllowPrivate,
      },
    };
  }

  async list(userId: number): Promise<AlertRule[]> {
    return (await this.repo.listRules(userId)).map(ruleJson);
  }

  async get(userId: number, id: number): Promise<AlertRule> {
    const row = await this.repo.getRule(userId, id);
    if (!row) throw notFound('Alert rule not found');
    return ruleJson(row);
  }

  async create(userId: number, input: z.output<typeof CreateSchema>): Promise<AlertRule> {
    if ((await this.repo.listRules(userId)).length >= MAX_RULES_PER_USER) {
      throw conflict(`At most ${MAX_RULES_PER_USER} alert rules a user`, 'too_many_rules');
    }
    if (input.channels.email) await this.checkEmail(userId);
    const at = new Date(this.now());
    const row = await this.repo.insertRule({
      userId,
      name: input.name,
      filter: input.filter,
      websocket: input.channels.websocket ?? false,
      email: input.channels.email ?? false,
      webhookUrl: input.channels.webhook?.url ?? null,
      webhookStyle: input.channels.webhook?.style ?? null,
      quietSeconds: input.quiet_seconds,
      enabled: input.enabled,
      createdAt: at,
      updatedAt: at,
    });
    this.engine.rulesChanged();
    return ruleJson(row);
  }

  async update(userId: number, id: number, patch: z.output<typeof AlertRuleUpdate>): Promise<AlertRule> {
    const existing = await this.repo.getRule(userId, id);
    if (!existing) throw notFound('Alert rule not found');
    const c = patch.channels;
    if (c?.email && !existing.email) await this.checkEmail(userId);
    const row = await this.repo.updateRule(userId, id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.filter !== undefined ? { filter: patch.filter } : {}),
      ...(patch.quiet_seconds !== undefined ? { quietSeconds: patch.quiet_seconds } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(c?.websocket !== undefined ? { websocket: c.websocket } : {}),
      ...(c?.email !== undefined ? { email: c.email } : {}),
      ...(c?.webhook !== undefined
        ? { webhookUrl: c.webhook?.url ?? null, webhookStyle: c.webhook?.style ?? null }
        : {}),
      updatedAt: new Date(this.now()),
    });
    if (!row) throw notFound('Alert rule not found');
    this.engine.rulesChanged();
    return ruleJson(row);
  }

  async delete(userId: number, id: number): Promise<void> {
    if (!(await this.repo.deleteRule(userId, id))) throw notFound('Alert rule not found');
    this.engine.rulesChanged();
  }

  async deliveries(userId: number, limit: number, ruleId?: number): Promise<AlertDelivery[]> {
    if (ruleId !== undefined && !(await this.repo.getRule(userId, ruleId)))
      throw notFound('Alert rule not found');
    return (await this.repo.listDeliveries(userId, limit, ruleId)).map(deliveryJson);
  }

  /** E-mail can be switched on only when this server can send it and the address is verified. */
  private async checkEmail(userId: number): Promise<void> {
    if (!this.mailer.available) {
      throw new AppError(409, 'email_unavailable', this.mailer.reason ?? 'E-mail is not available', [
        { field: 'channels.email', message: 'e-mail is not configured on this server' },
      ]);
    }
    const user = await this.repo.user(userId);
    if (!user?.verified) {
      throw new AppError(409, 'email_unverified', 'Verify your e-mail address before alerts can go to it', [
        { field: 'channels.email', message: 'the address is not verified yet' },
      ]);
    }
  }
}

export function ruleJson(r: RuleRow): AlertRule {
  return {
    id: r.id,
    name: r.name,
    filter: r.filter as AlertRule['filter'],
    channels: {
      websocket: r.websocket,
      email: r.email,
      webhook: r.webhookUrl ? { url_masked: maskUrl(r.webhookUrl), style: r.webhookStyle ?? 'json' } : null,
    },
    quiet_seconds: r.quietSeconds,
    enabled: r.enabled,
    last_fired_at: r.lastFiredAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

function deliveryJson(d: DeliveryRow): AlertDelivery {
  return {
    id: d.id,
    rule_id: d.ruleId,
    hit_id: d.hitId,
    channel: d.channel,
    status: d.status,
    attempts: d.attempts,
    reason: d.reason,
    status_code: d.statusCode,
    next_attempt_at: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

export type { AlertRuleCreate };
