#!/usr/bin/env node
// Loads the TypeScript CLI through tsx's loader in this same process (signals reach it directly), so
// `npx admiral …` works from a fresh clone without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
