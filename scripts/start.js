#!/usr/bin/env node
// `npm start`: compile the TypeScript when the sources are newer than dist/, then run the store.
// `npm run dev`: the same, recompiling and restarting on every change.
'use strict';
const { spawnSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist', 'server', 'main.js');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const sourceDirs = ['server', 'migrations', 'scripts', 'bench'].map((d) => path.join(root, d));

function newestSource(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
  const sources = Math.max(...sourceDirs.map(newestSource), fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs);
  if (built >= sources) return;
  process.stdout.write('Đang biên dịch TypeScript… (building)\n');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
  fs.utimesSync(entry, new Date(), new Date());
}

buildIfNeeded();
if (process.argv.includes('--build-only')) {
  // used by the other npm scripts
} else if (process.argv.includes('--watch')) {
  spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], { stdio: 'inherit', cwd: root });
  spawn(process.execPath, ['--watch-path', path.join(root, 'dist'), '--watch-path', path.join(root, 'views'), entry], { stdio: 'inherit', cwd: root });
} else {
  require(entry);
}
