#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so the bin works straight after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/run.ts');
