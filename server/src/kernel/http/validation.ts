import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldError } from './problem.js';

function makeAjv(coerceTypes: false | 'array') {
  // removeAdditional: false — unknown fields are an error (schemas say additionalProperties: false), never dropped silently.
  // verbose: errors carry their schema, so a pattern's failure can be told in the words of its description.
  return addFormats.default(new Ajv.default({ allErrors: true, removeAdditional: false, useDefaults: true, strict: false, coerceTypes, verbose: true }));
}

/**
 * Fastify's validator factory: bodies are JSON and get no type coercion; query strings, params and headers
 * arrive as text and are coerced to their declared types. Shared schemas (addSchema) are known to both.
 */
export function buildValidator(externalSchemas: Record<string, unknown> = {}): FastifySchemaCompiler<unknown> {
  const bodyAjv = makeAjv(false);
  const textAjv = makeAjv('array');
  for (const schema of Object.values(externalSchemas)) {
    bodyAjv.addSchema(schema as object);
    textAjv.addSchema(schema as object);
  }
  return ({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
}

type Part = FieldError['in'];

function describe(error: ErrorObject): { pointer: string; detail: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { pointer: `${error.instancePath}/${String(params.additionalProperty)}`, detail: 'is not a known field' };
    case 'required':
      return { pointer: `${error.instancePath}/${String(params.missingProperty)}`, detail: 'is required' };
    case 'enum':
      return { pointer: error.instancePath, detail: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern': {
      // People read "is not in the expected form (Host name, optionally with :port)" better than a regular expression.
      const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
      return {
        pointer: error.instancePath,
        detail:
          typeof description === 'string' && description ? `is not in the expected form (${description})` : `must match pattern ${String(params.pattern)}`,
      };
    }
    case 'format':
      return { pointer: error.instancePath, detail: `must be a valid ${String(params.format)}` };
    default:
      return { pointer: error.instancePath, detail: error.message ?? 'is invalid' };
  }
}

/** Ajv errors → one entry per field, deduplicated (anyOf branches repeat themselves). */
export function fieldErrors(part: string | undefined, errors: ErrorObject[]): FieldError[] {
  const where: Part = part === 'querystring' ? 'query' : part === 'params' || part === 'headers' || part === 'body' ? part : 'body';
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const { pointer, detail } = describe(error);
    const key = `${pointer}\u0000${detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ in: where, pointer: pointer || '/', detail });
  }
  return out;
}
