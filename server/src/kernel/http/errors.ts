import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SiteInactiveError, SiteNotFoundError } from '../db/transaction.js';
import { badRequest, conflict, forbidden, notFound, ProblemError, unprocessable } from './problem.js';
import { fieldErrors } from './validation.js';

interface PgError {
  code: string;
  constraint?: string;
  detail?: string;
  column?: string;
  table?: string;
}

function isPgError(error: unknown): error is PgError {
  return typeof error === 'object' && error !== null && typeof (error as PgError).code === 'string' && /^[0-9A-Z]{5}$/.test((error as PgError).code);
}

/** Database refusals that bad input can cause become 4xx; anything else stays a 500. */
function fromDatabase(error: PgError): ProblemError | undefined {
  switch (error.code) {
    case '23505':
      return conflict('already_exists', `A record with the same ${constraintSubject(error)} already exists.`);
    case '23503':
      return unprocessable('reference_not_found', `A referenced record does not exist or is still referenced (${error.constraint ?? 'foreign key'}).`);
    case '23514':
      return unprocessable('constraint_violated', `The value breaks the rule ${error.constraint ?? 'check'}.`);
    case '23502':
      return unprocessable('value_required', `${error.column ?? 'A field'} is required.`);
    case '22001':
      return unprocessable('value_too_long', 'A value is longer than its field allows.');
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    // NUL characters: text refuses 0x00 (22021), jsonb refuses \u0000 (22P05). Valid JSON, so only the database catches them.
    case '22021':
    case '22P05':
      return badRequest('invalid_value', 'A value has the wrong form for its field.');
    case '42501':
      // RLS WITH CHECK refusal: the row would land outside the caller's site.
      return forbidden('row_not_permitted', 'The change would write outside the current site.');
    case '40001':
    case '40P01':
      return conflict('concurrent_update', 'The record changed concurrently; retry the request.');
    default:
      return undefined;
  }
}

function constraintSubject(error: PgError): string {
  const match = error.detail?.match(/^Key \(([^)]+)\)=/);
  return match?.[1] ?? error.constraint ?? 'key';
}

export function toProblemError(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (error instanceof SiteNotFoundError) return notFound('Site', `Site ${error.siteId} was not found.`);
  if (error instanceof SiteInactiveError) return forbidden('site_inactive', `Site ${error.siteId} is ${error.status}.`);
  const fe = error as FastifyError & { validation?: ErrorObject[]; validationContext?: string };
  if (fe.validation) {
    const errors = fieldErrors(fe.validationContext, fe.validation);
    const first = errors[0];
    const where = fe.validationContext === 'querystring' ? 'query string' : (fe.validationContext ?? 'request');
    const detail = first
      ? `The ${where} is invalid: ${first.pointer} ${first.detail}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}.`
      : `The ${where} is invalid.`;
    return new ProblemError(400, 'validation_failed', detail, errors);
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('malformed_json', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ProblemError(413, 'body_too_large', 'The request body is larger than this server accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ProblemError(415, 'unsupported_media_type', 'Send the body as application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequest('invalid_content_length', 'The Content-Length header does not match the body.');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return badRequest('bad_url', 'The URL is malformed.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ProblemError(414, 'uri_too_long', 'A path segment is longer than this server accepts.');
    case 'FST_ERR_NOT_FOUND':
      return notFound('Route');
  }
  // Drizzle wraps the driver's error in a DrizzleQueryError and keeps PostgreSQL's error as `cause`.
  const database = isPgError(error) ? error : (error as { cause?: unknown }).cause;
  if (isPgError(database)) return fromDatabase(database);
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new ProblemError(fe.statusCode, 'bad_request', fe.message);
  }
  return undefined;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply {
  if (problem.headers) reply.headers(problem.headers);
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .send(JSON.stringify(problem.toProblem(request.url, String(request.id))));
}

/** Answers an unmatched request itself (true) or leaves it to the 404 problem (false): the console's deep links. */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => boolean;

export function registerErrorHandling(app: FastifyInstance, fallback?: () => NotFoundFallback | undefined): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblemError(error);
    if (problem) {
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
      return sendProblem(request, reply, problem);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, new ProblemError(500, 'internal_error', 'Something went wrong on our side; the request id identifies it in the logs.'));
  });
  app.setNotFoundHandler((request, reply) => {
    if (fallback?.()?.(request, reply)) return reply;
    return sendProblem(request, reply, new ProblemError(404, 'route_not_found', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });
}
