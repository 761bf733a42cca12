/**
 * Builds the front-end assets into dist/assets with content-hashed names and a manifest:
 * two stylesheets (GDS Transport for gov.uk deployments, a system font stack otherwise),
 * one JS module, and govuk-frontend's fonts and images under a versioned path.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import * as sass from 'sass';
import { fromRoot } from '../src/shared/paths.ts';

const out = fromRoot('dist/assets');
const govuk = fromRoot('node_modules/govuk-frontend/dist/govuk');
const govukVersion = JSON.parse(readFileSync(fromRoot('node_modules/govuk-frontend/package.json'), 'utf8'))
  .version as string;
const govukAssetBase = `/assets/govuk-${govukVersion}`;

const hash = (data: string | Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 12);

function writeHashed(name: string, ext: string, data: string): string {
  const file = `${name}-${hash(data)}.${ext}`;
  writeFileSync(join(out, file), data);
  return `/assets/${file}`;
}

function buildCss(fontFamily: string | null): string {
  const config = [
    `$govuk-fonts-path: "${govukAssetBase}/fonts/"`,
    `$govuk-images-path: "${govukAssetBase}/images/"`,
    ...(fontFamily ? [`$govuk-font-family: (${fontFamily})`, '$govuk-include-default-font-face: false'] : []),
  ].join(', ');
  const result = sass.compileString(`@use "pkg:govuk-frontend" with (${config});\n@use "app";`, {
    loadPaths: [fromRoot('assets/scss')],
    importers: [new sass.NodePackageImporter(fromRoot('.'))],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  });
  return result.css;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const cssGovuk = writeHashed('app-govuk', 'css', buildCss(null));
const cssSystem = writeHashed(
  'app',
  'css',
  buildCss('system-ui, -apple-system, "Segoe UI", Roboto, arial, sans-serif'),
);

/** One browser module, bundled and minified. */
async function bundle(entry: string): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [fromRoot(entry)],
    bundle: true,
    format: 'esm',
    minify: true,
    target: ['es2020'],
    write: false,
    legalComments: 'none',
  });
  return result.outputFiles[0]!.text;
}

const jsFile = writeHashed('app', 'js', await bundle('assets/js/app.ts'));
// The accessible autocomplete (the finders' place look-up, the application's country lists) loads only
// on the pages that use it, so other pages stay light.
const jsPlaceAutocomplete = writeHashed('place-autocomplete', 'js', await bundle('assets/js/autocomplete.ts'));
const cssPlaceAutocomplete = writeHashed(
  'place-autocomplete',
  'css',
  readFileSync(fromRoot('node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.css'), 'utf8').replace(
    /\/\*# sourceMappingURL=.*?\*\//,
    '',
  ),
);

cpSync(join(govuk, 'assets'), join(out, `govuk-${govukVersion}`), { recursive: true });
// The crown favicon is GOV.UK's (GOVUK_BRAND=true); elsewhere the service shows its own plain one.
const favicon = writeHashed('favicon', 'svg', readFileSync(fromRoot('assets/images/favicon.svg'), 'utf8'));

const manifest = {
  css: cssSystem,
  cssGovuk,
  js: jsFile,
  jsPlaceAutocomplete,
  cssPlaceAutocomplete,
  govukAssetBase,
  favicon,
};
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log('assets built:', manifest);
