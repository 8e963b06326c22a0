import {
  AdminSettingsResponse,
  AdminUserCreate,
  AdminUserListQuery,
  AdminUserPatch,
  AuditPage,
  AuditQuery,
  EngineSettings,
  type EngineSettings as EngineSettingsBody,
  ErrorBody,
  IdParams,
  ResetPasswordBody,
  ResetPasswordResponse,
  ServiceToken,
  ServiceTokenCreate,
  ServiceTokenCreated,
  User,
  UserIdParams,
} from '@evision/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../infra/errors';
import { actorOf } from '../auth/routes';

/** `/api/admin/*`: users, service tokens, the audit log and engine settings (role admin). */
export async function adminRoutes(app: FastifyInstance) {
  const { ctx } = app;
  const r = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/api/admin/') || request.url === '/api/admin')
      await app.requireAdmin(request, reply);
  });
  const base = { tags: ['admin'], security: [{ bearer: [] }] };
  const errors = { 401: ErrorBody, 403: ErrorBody };

  r.get(
    '/api/admin/users',
    {
      schema: {
        ...base,
        summary: 'List users',
        querystring: AdminUserListQuery,
        response: { 200: z.array(User) },
      },
    },
    async (request) => ctx.users.list({ limit: request.query.limit, offset: request.query.offset }),
  );

  r.post(
    '/api/admin/users',
    {
      schema: {
        ...base,
        summary: 'Create a user',
        body: AdminUserCreate,
        response: { 201: User, ...errors },
      },
    },
    async (request, reply) => {
      const user = await ctx.users.create(request.body, actorOf(request));
      return reply.status(201).send(user);
    },
  );

  r.patch(
    '/api/admin/users/:id',
    {
      schema: {
        ...base,
        summary: 'Change role or activation (deactivating revokes refresh tokens)',
        params: UserIdParams,
        body: AdminUserPatch,
        response: { 200: User, ...errors },
      },
    },
    async (request) => ctx.users.update(request.params.id, request.body, actorOf(request)),
  );

  r.delete(
    '/api/admin/users/:id',
    { schema: { ...base, summary: 'Delete a user', params: UserIdParams } },
    async (request, reply) => {
      await ctx.users.delete(request.params.id, actorOf(request));
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/admin/users/:id/reset-password',
    {
      schema: {
        ...base,
        summary: 'Set a new password, or generate one (answered once); revokes refresh tokens',
        params: UserIdParams,
        body: ResetPasswordBody.optional(),
        response: { 200: ResetPasswordResponse, ...errors },
      },
    },
    async (request) =>
      ctx.users.resetPassword(request.params.id, request.body?.new_password, actorOf(request)),
  );

  r.post(
    '/api/admin/service-tokens',
    {
      schema: {
        ...base,
        summary: 'Create a service token for a bot (the token is shown only in this answer)',
        body: ServiceTokenCreate,
        response: { 201: ServiceTokenCreated, ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const created = await ctx.tokens.createServiceToken(request.body, actor.id);
      await ctx.audit.append({
        type: 'SERVICE_TOKEN_CREATED',
        message: `service token "${created.name}" (id ${created.id}, scopes ${created.scopes.join(',')}) created by ${actor.username}`,
        userId: actor.id,
        username: actor.username,
        ip: actor.ip,
        details: { token_id: created.id, name: created.name, scopes: created.scopes, prefix: created.prefix },
      });
      const { id, name, scopes, token, prefix, created_at } = created;
      return reply.status(201).send({ id, name, scopes, token, prefix, created_at });
    },
  );

  r.get(
    '/api/admin/service-tokens',
    {
      schema: {
        ...base,
        summary: 'List service tokens (never the tokens)',
        response: { 200: z.array(ServiceToken) },
      },
    },
    async () => ctx.tokens.listServiceTokens(),
  );

  r.delete(
    '/api/admin/service-tokens/:id',
    { schema: { ...base, summary: 'Revoke a service token', params: IdParams } },
    async (request, reply) => {
      const actor = actorOf(request);
      const revoked = await ctx.tokens.revokeServiceToken(request.params.id);
      if (!revoked) throw notFound('Service token not found');
      await ctx.audit.append({
        type: 'SERVICE_TOKEN_REVOKED',
        message: `service token "${revoked.name}" (id ${revoked.id}) revoked by ${actor.username}`,
        userId: actor.id,
        username: actor.username,
        ip: actor.ip,
        details: { token_id: revoked.id, name: revoked.name },
      });
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/admin/audit',
    {
      schema: {
        ...base,
        summary: 'Audit records, newest first (filters type, user, from, to; cursor paging)',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const byId = q.user !== undefined && /^\d+$/.test(q.user);
      const records = await ctx.audit.list({
        type: q.type,
        userId: byId ? Number(q.user) : undefined,
        username: !byId ? q.user : undefined,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        beforeSeq: q.cursor ? Number(q.cursor) : undefined,
        limit: q.limit + 1,
      });
      const page = records.slice(0, q.limit);
      const next = records.length > q.limit ? String(page[page.length - 1].seq) : null;
      return { records: page, next_cursor: next };
    },
  );

  r.get(
    '/api/admin/settings',
    {
      schema: {
        ...base,
        summary: 'Engine settings in effect, and the environment defaults',
        response: { 200: AdminSettingsResponse, ...errors },
      },
    },
    async () => ({
      settings: (await ctx.settings.getEngineSettings()) as EngineSettingsBody,
      defaults: ctx.settings.defaults() as EngineSettingsBody,
    }),
  );

  r.put(
    '/api/admin/settings',
    {
      schema: {
        ...base,
        summary: 'Save the engine settings (a full object); they win over the environment',
        body: EngineSettings,
        response: { 200: AdminSettingsResponse, ...errors },
      },
    },
    async (request) => ({
      settings: (await ctx.settings.saveEngineSettings(request.body, actorOf(request))) as EngineSettingsBody,
      defaults: ctx.settings.defaults() as EngineSettingsBody,
    }),
  );
}
