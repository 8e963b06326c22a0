import { z } from 'zod';
import { Email, Password } from './auth';
import { IsoDateTime } from './common';
import { EvHit } from './ev';
import { HitFilterSet } from './filters';
import { SafeString } from './primitives';

/**
 * Alert rules (`/api/alerts`): a saved `HitFilterSet` and the channels that hear when a hit
 * enters it. Exactly one alert per (rule, hit, opening).
 */
export const WEBHOOK_STYLES = ['discord', 'slack', 'json'] as const;
export const WebhookStyle = z.enum(WEBHOOK_STYLES);
export const ALERT_CHANNELS = ['websocket', 'email', 'webhook'] as const;
export const AlertChannel = z.enum(ALERT_CHANNELS);
export type AlertChannel = z.infer<typeof AlertChannel>;

export const WebhookUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .regex(/^https?:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/i, 'must be an http:// or https:// URL');

/** Channels of a rule as written. `webhook: null` removes it. */
export const AlertChannelsInput = z.strictObject({
  websocket: z.boolean().optional(),
  email: z.boolean().optional(),
  webhook: z
    .strictObject({ url: WebhookUrl, style: WebhookStyle.default('json') })
    .nullable()
    .optional(),
});

export const AlertRuleCreate = z.strictObject({
  name: SafeString(100, 1),
  filter: HitFilterSet.default({}),
  channels: AlertChannelsInput.default({ websocket: true }),
  quiet_seconds: z
    .number({ error: 'must be seconds' })
    .int('must be whole seconds')
    .min(0, 'must be ≥ 0')
    .max(86_400, 'must be at most a day')
    .default(0),
  enabled: z.boolean().default(true),
});
export type AlertRuleCreate = z.input<typeof AlertRuleCreate>;

export const AlertRuleUpdate = z.strictObject({
  name: SafeString(100, 1).optional(),
  filter: HitFilterSet.optional(),
  channels: AlertChannelsInput.optional(),
  quiet_seconds: z.number().int().min(0).max(86_400).optional(),
  enabled: z.boolean().optional(),
});

export const AlertRule = z.object({
  id: z.number(),
  name: z.string(),
  filter: HitFilterSet,
  channels: z.object({
    websocket: z.boolean(),
    email: z.boolean(),
    /** The URL is shown masked (scheme, host and the path's last 4 characters). */
    webhook: z.object({ url_masked: z.string(), style: WebhookStyle }).nullable(),
  }),
  quiet_seconds: z.number(),
  enabled: z.boolean(),
  last_fired_at: IsoDateTime.nullable(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type AlertRule = z.infer<typeof AlertRule>;

export const AlertRuleList = z.object({ rules: z.array(AlertRule) });

/** Which channels this server can deliver on, and why not. */
export const AlertChannelStatus = z.object({
  websocket: z.object({ available: z.literal(true) }),
  email: z.object({
    available: z.boolean(),
    reason: z.string().optional(),
    address_verified: z.boolean(),
    emails_per_hour: z.number(),
  }),
  webhook: z.object({ available: z.literal(true), private_addresses_allowed: z.boolean() }),
});

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'suppressed'] as const;
export const AlertDelivery = z.object({
  id: z.number(),
  rule_id: z.number(),
  hit_id: z.string(),
  channel: AlertChannel,
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  /** Why it failed or was suppressed (`quiet_period`, `email_rate_limit`, `status 500`…). */
  reason: z.string().nullable(),
  /** The webhook receiver's HTTP status (its body is never stored). */
  status_code: z.number().nullable(),
  next_attempt_at: IsoDateTime.nullable(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type AlertDelivery = z.infer<typeof AlertDelivery>;
export const AlertDeliveryList = z.object({ deliveries: z.array(AlertDelivery) });
export const AlertDeliveryQuery = z.strictObject({
  rule_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The `alert` WebSocket message's data (to the rule owner's sockets only). */
export const WsAlert = z.object({
  rule: z.object({ id: z.number(), name: z.string() }),
  hit: EvHit,
  fired_at: IsoDateTime,
});
export type WsAlert = z.infer<typeof WsAlert>;

export const IdParam = z.strictObject({ id: z.coerce.number().int().positive().max(2_147_483_647) });

/** E-mail verification and password reset. */
export const VerifyEmailBody = z.strictObject({ token: z.string().min(1).max(1024) });
export const EmailStatus = z.object({ email: z.string(), verified: z.boolean() });
export const ForgotPasswordBody = z.strictObject({ email: Email });
export const PasswordResetBody = z.strictObject({ token: z.string().min(1).max(1024), password: Password });
export const Accepted = z.object({ message: z.string() });
