import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { problemResponses } from '../../kernel/http/problem.js';
import { MailDetailSchema, MailListQuerySchema, MailPageSchema, MailParamsSchema, MailSchema } from './mail-outbox-schemas.js';
import type { MailOutboxService } from './mail-outbox-service.js';
import { IDENTITY_PERMISSIONS as P } from './permissions.js';

const tags = ['Mail'];
const readerOf = (request: FastifyRequest) => ({ superAdmin: request.principal?.superAdmin ?? false });

/** The mail outbox (platform): what was sent, what is waiting, what failed, and what was only stored (no SMTP). */
export function mailOutboxRoutes(app: AdmiralApp, outbox: MailOutboxService): void {
  for (const schema of [MailSchema, MailDetailSchema]) app.addSchema(schema);

  app.get(
    '/mail-outbox',
    {
      config: { permission: P.mailRead },
      schema: {
        tags,
        operationId: 'listMail',
        summary: 'List outgoing mail, newest first',
        querystring: MailListQuerySchema,
        response: { 200: MailPageSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => request.platform((tx) => outbox.list(tx, request.query)),
  );

  app.get(
    '/mail-outbox/:mailId',
    {
      config: { permission: P.mailRead },
      schema: {
        tags,
        operationId: 'getMail',
        summary: 'One mail with its body (sign-in tokens redacted, except stored mail for super admins)',
        params: MailParamsSchema,
        response: { 200: Type.Ref(MailDetailSchema), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => request.platform((tx) => outbox.get(tx, request.auditActor(), readerOf(request), request.params.mailId)),
  );

  app.post(
    '/mail-outbox/:mailId/retry',
    {
      config: { permission: P.mailManage },
      schema: {
        tags,
        operationId: 'retryMail',
        summary: 'Send a failed mail again (a fresh set of attempts)',
        params: MailParamsSchema,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 200: Type.Ref(MailDetailSchema), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => request.platform((tx) => outbox.retry(tx, request.auditActor(), readerOf(request), request.params.mailId)),
  );
}
