import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, errorBody, type FieldError } from '../infra/errors';

/**
 * Every error leaves in one shape: `{"error": {"code", "message", "details"?}}`.
 * Validation failures list the offending fields; framework errors (bad JSON, wrong content
 * type, body too large) keep their status; anything unexpected is a 500 with no internals.
 */
export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      return reply.status(err.statusCode).send(errorBody(err.code, err.message, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const details: FieldError[] = err.validation.map((v) => ({
        field: fieldName(where, v.instancePath, v.params),
        message: v.message ?? 'is invalid',
      }));
      return reply.status(400).send(errorBody('validation_error', 'Request is invalid', details));
    }
    if (err.validation) {
      const details: FieldError[] = err.validation.map((v) => ({
        field: fieldName(err.validationContext ?? 'body', v.instancePath, v.params),
        message: v.message ?? 'is invalid',
      }));
      return reply.status(400).send(errorBody('validation_error', 'Request is invalid', details));
    }
    const status = err.statusCode ?? 500;
    if (status === 429) {
      return reply.status(429).send(errorBody('rate_limited', err.message || 'Too many requests'));
    }
    if (status >= 400 && status < 500) {
      return reply.status(status).send(errorBody(frameworkCode(err, status), clientMessage(err, status)));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('internal_error', 'Internal server error'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send(errorBody('not_found', `Route ${request.method} ${request.url.split('?')[0]} not found`));
  });
});

function fieldName(where: string, instancePath: string, params: unknown): string {
  let path = instancePath.replace(/^\//, '').replace(/\//g, '.');
  // Unknown keys in a strict object come back as one issue on the parent with their names.
  const keys = (params as { keys?: string[] } | undefined)?.keys;
  if (Array.isArray(keys) && keys.length > 0) path = path ? `${path}.${keys.join(',')}` : keys.join(',');
  if (!path) return where;
  return where === 'body' ? path : `${where}.${path}`;
}

function frameworkCode(err: FastifyError, status: number): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'payload_too_large';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'invalid_json';
    default:
      if (err instanceof SyntaxError) return 'invalid_json';
      return status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'bad_request';
  }
}

function clientMessage(err: FastifyError, status: number): string {
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return 'Body is not valid JSON';
  if (status === 413) return 'Request body is too large';
  if (status === 415) return 'Unsupported content type: send application/json';
  return err.message || 'Bad request';
}
