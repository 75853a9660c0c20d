#!/usr/bin/env node
// Gallerist runs its TypeScript sources directly through tsx: no build step between clone and start.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { main } = await import(pathToFileURL(join(root, 'src', 'cli.ts')).href);
await main(process.argv.slice(2));
