// Bundles the participant page (wwwroot/js/participant.js and every step and task module it
// loads) into wwwroot/lib/participant: one minified module for the page, and one chunk per step or
// task type, loaded when a session reaches it. Leaflet (minified) is a chunk of its own, which the map
// step imports when it starts, so that the browser evaluates it in a task apart from the step's code.
// The sources stay plain ES modules that a browser can also load one by one (the researcher's
// replay pages import the map task's base map that way).
// Usage: node build/bundle-participant.mjs <output folder>
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const output = process.argv[2];
if (!output) {
  console.error('usage: node build/bundle-participant.mjs <output folder>');
  process.exit(2);
}
const root = new URL('../', import.meta.url).pathname;

// The sources import Leaflet by the address the server copies it to; the bundle takes it from the package.
const servedLibraries = {
  name: 'served-libraries',
  setup(build) {
    build.onResolve({ filter: /^\/lib\/leaflet\/leaflet-src\.esm\.js$/ }, () => ({ path: `${root}node_modules/leaflet/dist/leaflet-src.esm.js` }));
  },
};

// Chunk names carry a hash of their content: old ones are removed so that only this build's are served.
rmSync(output, { recursive: true, force: true });
await build({
  entryPoints: [`${root}wwwroot/js/participant.js`],
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'linked',
  outdir: output,
  chunkNames: '[name]-[hash]',
  plugins: [servedLibraries],
  logLevel: 'warning',
});
