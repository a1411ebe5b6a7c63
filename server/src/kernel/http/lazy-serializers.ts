import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

/**
 * Fastify compiles a response serializer for every status code of every route when the app starts, each
 * against all shared schemas: with a few hundred routes that is tens of seconds of start-up, paid by every
 * process and every test file, mostly for routes the process will never answer. This factory compiles each
 * serializer on its first use instead (a few milliseconds, once per route and status). What is compiled is
 * exactly what Fastify would have compiled; the openapi and route tests serialise every route's answers.
 */
export function lazySerializerFactory(): SerializerFactory {
  const eager = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = eager(externalSchemas, options);
    return (route) => {
      let serialize: ((document: unknown) => string) | undefined;
      return (document: unknown) => {
        serialize ??= compile(route);
        return serialize(document);
      };
    };
  };
}
