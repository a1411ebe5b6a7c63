import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';

/**
 * For POSTs that take no input: the body may be absent (treated as `{}`), and a body with any field is
 * refused. (A bare optional schema is not enough: Fastify validates an absent body as `undefined`.)
 */
export const EmptyBodySchema = Type.Optional(Type.Object({}, { additionalProperties: false }));

export async function absentBodyAsEmpty(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}
