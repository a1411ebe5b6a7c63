import { type Static, Type } from '@sinclair/typebox';

/** One field's problem, pointing into the request (RFC 6901 JSON Pointer, prefixed by the part). */
export const FieldErrorSchema = Type.Object(
  {
    in: Type.Union([Type.Literal('body'), Type.Literal('query'), Type.Literal('params'), Type.Literal('headers')]),
    pointer: Type.String({ description: 'JSON Pointer to the field, e.g. /domainName' }),
    detail: Type.String(),
  },
  { $id: 'FieldError' },
);
export type FieldError = Static<typeof FieldErrorSchema>;

/** RFC 9457 problem details, with Admiral's stable `code`. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI reference that identifies the problem type' }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable code, e.g. validation_failed' }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
  },
  { $id: 'Problem', additionalProperties: true },
);
export type Problem = Static<typeof ProblemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  toProblem(instance?: string, requestId?: string): Problem {
    return {
      type: `https://admiral.dev/problems/${this.code.replaceAll('_', '-')}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...(requestId ? { requestId } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const badRequest = (code: string, detail: string, errors?: FieldError[]) => new ProblemError(400, code, detail, errors);
export const unauthorized = (detail = 'Sign in or send a valid token.') =>
  new ProblemError(401, 'unauthenticated', detail, undefined, { 'www-authenticate': 'Bearer' });
export const forbidden = (code: string, detail: string) => new ProblemError(403, code, detail);
export const notFound = (what: string, detail?: string) => new ProblemError(404, 'not_found', detail ?? `${what} was not found.`);
export const conflict = (code: string, detail: string) => new ProblemError(409, code, detail);
export const preconditionFailed = (detail: string) => new ProblemError(412, 'precondition_failed', detail);
export const unprocessable = (code: string, detail: string, errors?: FieldError[]) => new ProblemError(422, code, detail, errors);

/** OpenAPI/Fastify response entries for the given error statuses, typed as application/problem+json. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: TITLES[status] ?? 'Error', content: { 'application/problem+json': { schema: Type.Ref(ProblemSchema) } } },
    ]),
  );
}
