import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, generateTypes } from '../../sdk/scripts/generate.js';
import { openApiDocument } from '../src/openapi-document.js';
import { startTestAdmiral } from './helpers/app.js';

describe('the SDK types', () => {
  it('are generated from the current OpenAPI document (run `npm run generate -w sdk` after changing routes or schemas)', async () => {
    const committed = readFileSync(GENERATED_FILE, 'utf8');
    const fresh = await generateTypes();
    expect(committed === fresh, 'sdk/src/openapi.d.ts is stale: run `npm run generate -w sdk`').toBe(true);
  });

  it('come from the same document a running Admiral serves at /v1/openapi.json', async () => {
    const admiral = await startTestAdmiral();
    try {
      const served = await admiral.app.inject({ method: 'GET', url: '/v1/openapi.json' });
      expect(served.json()).toEqual(await openApiDocument());
    } finally {
      await admiral.stop();
    }
  });
});
