// Makes the map task's outlines from Natural Earth (world-atlas) and the US Census (us-atlas),
// small enough for the participant page's budget (the whole map step ≤ 300 KB transferred, issue
// 17): the 10m countries are 3.66 MB as shipped, simplified here to about 0.3 MB (≈ 0.1 MB
// compressed). Run by the build (SelfRef.Web.csproj, target BuildOutlines).
// Usage: node build/outlines.mjs <node_modules folder> <output folder>
//
// Each file is simplified keeping the topology (shared borders stay shared: no gaps or slivers
// between neighbours), then islands smaller than what is kept of a coastline are dropped, then
// coordinates are rounded to a grid (quantized, delta-encoded). Weights are planar triangle
// areas in square degrees (Visvalingam): 0.01 is about 100 km² at the equator, so a coastline
// keeps its bays and capes a few kilometres across — home-town clicks need the land in the
// right place, not exact borders. Grid: 360° / 50,000 ≈ 800 m.
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { presimplify, simplify, filter, filterWeight } from 'topojson-simplify';
import { quantize } from 'topojson-client';

const [modules, output] = process.argv.slice(2);
if (!modules || !output) {
  console.error('usage: node build/outlines.mjs <node_modules folder> <output folder>');
  process.exit(2);
}

const files = [
  // Below zoom 3 (a pixel is 40 km or more): the 110m countries as they are, on a coarser grid.
  { input: 'world-atlas/countries-110m.json', output: 'countries-low.json', weight: 0, grid: 1e4 },
  // From zoom 3 on, at every zoom the task allows.
  { input: 'world-atlas/countries-10m.json', output: 'countries-detail.json', weight: 0.01, grid: 5e4 },
  // US state borders, drawn from zoom 3 on.
  { input: 'us-atlas/states-10m.json', output: 'states.json', weight: 0.001, grid: 1e4 },
];

mkdirSync(output, { recursive: true });
for (const file of files) {
  const topology = JSON.parse(readFileSync(join(modules, file.input), 'utf8'));
  // simplify() also undoes the source's own quantization, which quantize() needs.
  let simplified = simplify(presimplify(topology), file.weight);
  if (file.weight > 0) simplified = filter(simplified, filterWeight(simplified, file.weight * 4));
  const text = JSON.stringify(quantize(simplified, file.grid));
  const target = join(output, file.output);
  writeFileSync(target + '.tmp', text);
  renameSync(target + '.tmp', target);
  console.log(`${file.output}: ${(text.length / 1024).toFixed(0)} KB from ${file.input}`);
}
