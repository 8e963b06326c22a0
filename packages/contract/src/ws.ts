import { z } from 'zod';
import { WsAlert } from './alerts';
import { EvHit } from './ev';
import { SafeString } from './primitives';

/**
 * The live feed on `GET /ws/live` (ARCHITECTURE §7). Every frame is one JSON text message.
 * Client → server messages are validated with these schemas; server → client messages are
 * `{type, topic?, data}`.
 */

/** A sport key as The Odds API spells it (`basketball_nba`, `soccer_epl`). */
const SportKey = z.string().regex(/^[a-z0-9_]{1,64}$/);

/** `ev`, `ev:<sport_key>`, `odds:<sport_key>`, `system`. */
export const WsTopic = z.union([
  z.literal('ev'),
  z.literal('system'),
  z.templateLiteral(['ev:', SportKey]),
  z.templateLiteral(['odds:', SportKey]),
]);
export type WsTopic = z.infer<typeof WsTopic>;

export const WS_MAX_TOPICS_PER_MESSAGE = 100;

/** Close codes the server uses besides the standard ones (1001 going away, 1009 too big). */
export const WsCloseCode = {
  /** Server shutting down. */
  goingAway: 1001,
  /** The client could not keep up: its send buffer exceeded the bound. */
  slowConsumer: 1013,
  /**
   * No token, an invalid or expired one, no auth message within the timeout, the access token
   * expired on the open socket (not renewed with `auth`), or the user's tokens were revoked
   * (password change, deactivation, demotion, sign-out everywhere).
   */
  unauthorized: 4401,
  /** A service token without the `feed` scope. */
  forbidden: 4403,
} as const;

const Topics = z.array(SafeString(200)).min(1).max(WS_MAX_TOPICS_PER_MESSAGE);

export const WsAuthMessage = z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096) });
export const WsSubscribeMessage = z.object({ type: z.literal('subscribe'), topics: Topics });
export const WsUnsubscribeMessage = z.object({ type: z.literal('unsubscribe'), topics: Topics });
export const WsPingMessage = z.object({ type: z.literal('ping') });

export const WsClientMessage = z.discriminatedUnion('type', [
  WsAuthMessage,
  WsSubscribeMessage,
  WsUnsubscribeMessage,
  WsPingMessage,
]);
export type WsClientMessage = z.infer<typeof WsClientMessage>;

export const WS_CLIENT_MESSAGE_TYPES = ['auth', 'subscribe', 'unsubscribe', 'ping'] as const;

/** Codes of `{type: "error"}` messages; none of them closes the connection. */
export const WsErrorCode = z.enum([
  'invalid_json',
  'unknown_type',
  'invalid_message',
  'invalid_topic',
  'too_many_topics',
  /** Kept for old clients; the server no longer sends it (a second `auth` renews the token). */
  'already_authenticated',
  /** A renewal `auth` carried another user's token (the socket stays as it was). */
  'auth_mismatch',
]);
export type WsErrorCode = z.infer<typeof WsErrorCode>;

export const WsHello = z.object({
  /** Set for a user token. */
  user: z.object({ id: z.number(), username: z.string(), role: z.string() }).optional(),
  /** Set for a service token. */
  service: z.object({ name: z.string() }).optional(),
  /** The topics one can subscribe to now (`ev:<sport>`/`odds:<sport>` for the tracked sports). */
  topics: z.array(z.string()),
  /** Topics subscribed so far (none on connect). */
  subscribed: z.array(z.string()),
  server_time: z.string(),
  heartbeat_ms: z.number(),
  /**
   * For a user token: when it expires. The socket is closed with 4401 then, unless the client
   * sent a new `auth` message with a renewed token before.
   */
  expires_at: z.string().optional(),
});
export type WsHello = z.infer<typeof WsHello>;

/** The answer to an `auth` message on an open socket: the renewed token's expiry. */
export const WsAuthenticated = z.object({ expires_at: z.string(), server_time: z.string() });
export type WsAuthenticated = z.infer<typeof WsAuthenticated>;

export const WsError = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type WsError = z.infer<typeof WsError>;

/** The answer to `ping`: the server clock and the topics this connection is subscribed to. */
export const WsPong = z.object({ server_time: z.string(), subscribed: z.array(z.string()) });
export type WsPong = z.infer<typeof WsPong>;

export const WsOddsUpdated = z.object({
  sport: z.string(),
  events: z.number(),
  changed: z.number(),
  at: z.string(),
});

export const WsServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), data: WsHello }),
  z.object({ type: z.literal('ev.hit.new'), topic: z.string(), data: EvHit }),
  z.object({ type: z.literal('ev.hit.updated'), topic: z.string(), data: EvHit }),
  z.object({ type: z.literal('ev.hit.closed'), topic: z.string(), data: EvHit }),
  z.object({ type: z.literal('odds.updated'), topic: z.string(), data: WsOddsUpdated.loose() }),
  z.object({ type: z.literal('alert'), topic: z.string().optional(), data: WsAlert }),
  z.object({ type: z.literal('pong'), data: WsPong }),
  z.object({ type: z.literal('authenticated'), data: WsAuthenticated }),
  z.object({ type: z.literal('error'), data: WsError }),
]);
export type WsServerMessage = z.infer<typeof WsServerMessage>;
