// Bundles the app (src/main.ts and the SDK) into dist/, beside index.html and the style sheet.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
await build({
  entryPoints: ['src/main.ts'],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  minify: true,
  outfile: 'dist/app.js',
  logLevel: 'warning',
});
copyFileSync('index.html', 'dist/index.html');
copyFileSync('src/styles.css', 'dist/app.css');
copyFileSync('favicon.svg', 'dist/favicon.svg');
