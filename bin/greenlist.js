#!/usr/bin/env node
// Greenlist CLI launcher: registers the TypeScript loader, then runs the CLI entrypoint.
import { register } from 'tsx/esm/api';

register();
await import('../src/entrypoints/main.ts');
