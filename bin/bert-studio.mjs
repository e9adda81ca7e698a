#!/usr/bin/env node
// The command-line entry. TypeScript sources run directly through tsx so the command works
// right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
