import { ErrorBody, UserSettings, UserSettingsUpdate } from '@evision/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

/** `/api/me/settings`: the logged-in user's own preferences. */
export async function meRoutes(app: FastifyInstance) {
  const { ctx } = app;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = { tags: ['me'], security: [{ bearer: [] }] };

  r.get(
    '/api/me/settings',
    {
      onRequest: app.requireUser,
      schema: { ...base, summary: 'My settings', response: { 200: UserSettings, 401: ErrorBody } },
    },
    async (request) => ctx.users.getSettings(request.user.id),
  );

  r.put(
    '/api/me/settings',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'Update my settings (any subset of the fields)',
        body: UserSettingsUpdate,
        response: { 200: UserSettings, 401: ErrorBody },
      },
    },
    async (request) => ctx.users.updateSettings(request.user.id, request.body),
  );
}
