#!/usr/bin/env node
// The `evision` management CLI: runs the TypeScript source through tsx (no build step), in this
// same process, so signals (SIGTERM to `evision serve`) reach the server directly.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'index.ts');
await import(pathToFileURL(entry).href);
