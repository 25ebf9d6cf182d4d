#!/usr/bin/env node
// Node 24 runs the TypeScript source directly (type stripping): no build step for the CLI.
import '../src/main.ts';
