#!/usr/bin/env node
// The published entry point: the bundle that `npm install` builds (scripts/build.mjs).
import '../dist/kubelite.js';
