#!/usr/bin/env node
// Node 24 runs the TypeScript source directly (type stripping): no build step for the CLI.
// The compile cache (Node's own, in the OS temp folder) keeps that from costing every start the same:
// it halves the CPU a start takes (docs/decisions/120).
import module from 'node:module';

module.enableCompileCache?.();
await import('../src/main.ts');
