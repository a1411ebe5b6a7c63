import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldError } from './problem.js';

function makeAjv(coerceTypes: false | 'array') {
  // removeAdditional: false — unknown fields are an error (schemas say additionalProperties: false), never dropped silently.
  // verbose: errors carry their schema, so a pattern's failure can be told in the words of its description.
  return addFormats.default(new Ajv.default({ allErrors: true, removeAdditional: false, useDefaults: true, strict: false, coerceTypes, verbose: true }));
}

interface Validators {
  schemas: unknown[];
  bodyAjv: ReturnType<typeof makeAjv>;
  textAjv: ReturnType<typeof makeAjv>;
}

/** Validators by the shared schemas they know, reused while they are the very same schema objects. */
const validatorCache = new Map<string, Validators>();

/**
 * Fastify asks for a validator factory once per route context (a few hundred times at start), each time with
 * the shared schemas in scope; building two Ajv instances and adding every shared schema each time cost
 * seconds. The same set of schemas gets the same instances.
 */
function validatorsFor(externalSchemas: Record<string, unknown>): Validators {
  const key = Object.keys(externalSchemas).sort().join('\n');
  const schemas = Object.keys(externalSchemas)
    .sort()
    .map((id) => externalSchemas[id]);
  const cached = validatorCache.get(key);
  if (cached?.schemas.every((schema, i) => schema === schemas[i])) return cached;
  const built: Validators = { schemas, bodyAjv: makeAjv(false), textAjv: makeAjv('array') };
  for (const schema of schemas) {
    built.bodyAjv.addSchema(schema as object);
    built.textAjv.addSchema(schema as object);
  }
  validatorCache.set(key, built);
  return built;
}

/**
 * Fastify's validator factory: bodies are JSON and get no type coercion; query strings, params and headers
 * arrive as text and are coerced to their declared types. Shared schemas (addSchema) are known to both.
 */
export function buildValidator(externalSchemas: Record<string, unknown> = {}): FastifySchemaCompiler<unknown> {
  const { bodyAjv, textAjv } = validatorsFor(externalSchemas);
  // Compiled on the route's first request, not at start (see lazy-serializers.ts for why). Fastify reads the
  // failed validation's `errors` from the function it was given, so the wrapper carries them over.
  return ({ schema, httpPart }) => {
    let validate: ValidateFunction | undefined;
    const lazy = (data: unknown) => {
      validate ??= (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object);
      const valid = validate(data);
      lazy.errors = validate.errors;
      return valid;
    };
    lazy.errors = null as ValidateFunction['errors'];
    return lazy as ReturnType<FastifySchemaCompiler<unknown>>;
  };
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
