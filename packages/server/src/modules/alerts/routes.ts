import {
  Accepted,
  AlertChannelStatus,
  AlertDeliveryList,
  AlertDeliveryQuery,
  AlertRule,
  AlertRuleCreate,
  AlertRuleList,
  AlertRuleUpdate,
  EmailStatus,
  ErrorBody,
  ForgotPasswordBody,
  IdParam,
  PasswordResetBody,
  VerifyEmailBody,
} from '@evision/contract';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { routeLimit } from '../../plugins/rate-limit';
import { AlertEngine } from './engine';
import { EmailLinks } from './links';
import { createMailer } from './mailer';
import { AlertRepo } from './repo';
import { AlertService } from './service';
import type { AlertTuning } from './tuning';

const FORGOT_ANSWER = 'If that address is verified for an account, a reset link is on its way.';

/** `/api/alerts`, e-mail verification and password reset; starts the alert engine. */
export const alertsPlugin = fp(async (app: FastifyInstance, tuning: AlertTuning) => {
  const { ctx } = app;
  const repo = new AlertRepo(ctx.db);
  const mailer = createMailer(ctx.config);
  const engine = new AlertEngine({
    repo,
    pubsub: ctx.pubsub,
    mailer,
    config: ctx.config,
    now: ctx.now,
    log: app.log,
    ...tuning,
  });
  const alerts = new AlertService(repo, engine, mailer, ctx.config, ctx.now);
  const links = new EmailLinks(repo, ctx.users, mailer, ctx.config, ctx.now, app.log);
  ctx.alerts = alerts;
  engine.start();
  app.addHook('onClose', async () => {
    await engine.stop();
    mailer.close();
  });

  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = { tags: ['alerts'], security: [{ bearer: [] }] };
  const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody };

  r.get(
    '/api/alerts',
    {
      onRequest: app.requireUser,
      schema: { ...base, summary: 'My alert rules', response: { 200: AlertRuleList, 401: ErrorBody } },
    },
    async (req) => ({ rules: await alerts.list(req.user.id) }),
  );
  r.post(
    '/api/alerts',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'Create an alert rule',
        body: AlertRuleCreate,
        response: { 201: AlertRule, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await alerts.create(req.user.id, req.body)),
  );
  r.get(
    '/api/alerts/channels',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'Which channels can deliver',
        response: { 200: AlertChannelStatus, 401: ErrorBody },
      },
    },
    async (req) => alerts.channels(req.user.id),
  );
  r.get(
    '/api/alerts/deliveries',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'My deliveries, newest first (optionally of one rule)',
        querystring: AlertDeliveryQuery,
        response: { 200: AlertDeliveryList, ...errors },
      },
    },
    async (req) => ({ deliveries: await alerts.deliveries(req.user.id, req.query.limit, req.query.rule_id) }),
  );
  r.get(
    '/api/alerts/:id',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'One of my alert rules',
        params: IdParam,
        response: { 200: AlertRule, ...errors },
      },
    },
    async (req) => alerts.get(req.user.id, req.params.id),
  );
  r.patch(
    '/api/alerts/:id',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'Change an alert rule (any subset of the fields)',
        params: IdParam,
        body: AlertRuleUpdate,
        response: { 200: AlertRule, ...errors },
      },
    },
    async (req) => alerts.update(req.user.id, req.params.id, req.body),
  );
  r.delete(
    '/api/alerts/:id',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'Delete an alert rule',
        params: IdParam,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await alerts.delete(req.user.id, req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/me/email',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        tags: ['me'],
        summary: 'My e-mail address and whether it is verified',
        response: { 200: EmailStatus },
      },
    },
    async (req) => links.status(req.user.id),
  );
  r.post(
    '/api/me/email/verification',
    {
      onRequest: app.requireUser,
      config: routeLimit(5),
      schema: {
        ...base,
        tags: ['me'],
        summary: 'Mail me a link that verifies my address (409 without SMTP_URL or PUBLIC_URL)',
        response: { 202: EmailStatus, 200: EmailStatus, ...errors },
      },
    },
    async (req, reply) => {
      const status = await links.sendVerification(req.user.id);
      return reply.code(status.verified ? 200 : 202).send(status);
    },
  );
  r.post(
    '/api/auth/verify-email',
    {
      config: routeLimit(ctx.config.rateLimit.login),
      schema: {
        tags: ['auth'],
        summary: 'Verify an address with the mailed token (public)',
        body: VerifyEmailBody,
        response: { 200: EmailStatus, 400: ErrorBody },
      },
    },
    async (req) => links.verify(req.body.token),
  );
  r.post(
    '/api/auth/forgot-password',
    {
      config: routeLimit(ctx.config.rateLimit.login),
      schema: {
        tags: ['auth'],
        summary: 'Mail a reset link to a verified address; the answer is the same whether it exists or not',
        body: ForgotPasswordBody,
        response: { 202: Accepted, 400: ErrorBody, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      links.forgot(req.body.email);
      return reply.code(202).send({ message: FORGOT_ANSWER });
    },
  );
  r.post(
    '/api/auth/reset-password',
    {
      config: routeLimit(ctx.config.rateLimit.login),
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a mailed reset token (single use; signs out everywhere)',
        body: PasswordResetBody,
        response: { 200: Accepted, 400: ErrorBody },
      },
    },
    async (req) => {
      await links.reset(req.body.token, req.body.password);
      return { message: 'Password changed. Sign in with the new one.' };
    },
  );
});
