#!/usr/bin/env node
// Copies front-end assets into static/dist/ (run after the Sass build by
// `npm run build`), then writes a fingerprinted copy of every script and
// stylesheet (app.css -> app.<hash>.css, listed in static/dist/manifest.json,
// which asb's asset_url() reads) and .br and .gz copies of every text file,
// which asb serves to clients that accept them. Idempotent: every target is
// overwritten on each run and fingerprints of earlier builds are removed.
// Uses only Node built-ins; sources come from node_modules/ (installed with
// `npm ci`) and assets/js/.

import { createHash } from 'node:crypto'
import { cp, mkdir, access, rm, readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.join(root, 'static', 'dist')
const nm = path.join(root, 'node_modules')

// [source, destination] relative to the project root / static/dist.
const files = [
  [path.join(nm, 'govuk-frontend/dist/govuk/govuk-frontend.min.js'), 'govuk-frontend.min.js'],
  [path.join(nm, 'govuk-frontend/dist/govuk/govuk-frontend.min.js.map'), 'govuk-frontend.min.js.map'],
  [path.join(root, 'assets/js/app.js'), 'app.js'],
  [path.join(root, 'assets/js/location-picker.js'), 'location-picker.js'],
  [path.join(nm, 'leaflet/dist/leaflet.js'), 'leaflet/leaflet.js'],
  [path.join(nm, 'leaflet/dist/leaflet.js.map'), 'leaflet/leaflet.js.map'],
  [path.join(nm, 'leaflet/dist/leaflet.css'), 'leaflet/leaflet.css'],
  [path.join(nm, 'leaflet.markercluster/dist/leaflet.markercluster.js'), 'leaflet.markercluster/leaflet.markercluster.js'],
  [path.join(nm, 'leaflet.markercluster/dist/leaflet.markercluster.js.map'), 'leaflet.markercluster/leaflet.markercluster.js.map'],
  [path.join(nm, 'leaflet.markercluster/dist/MarkerCluster.css'), 'leaflet.markercluster/MarkerCluster.css'],
  [path.join(nm, 'leaflet.markercluster/dist/MarkerCluster.Default.css'), 'leaflet.markercluster/MarkerCluster.Default.css'],
  [path.join(nm, 'leaflet.heat/dist/leaflet-heat.js'), 'leaflet.heat/leaflet-heat.js'],
  [path.join(nm, 'swagger-ui-dist/swagger-ui-bundle.js'), 'swagger-ui/swagger-ui-bundle.js'],
  [path.join(nm, 'swagger-ui-dist/swagger-ui.css'), 'swagger-ui/swagger-ui.css'],
  [path.join(root, 'assets/js/api-explorer.js'), 'api-explorer.js']
]
const dirs = [
  [path.join(nm, 'leaflet/dist/images'), 'leaflet/images']
]
// Fingerprinted in this order: app.js imports govuk-frontend.min.js, so that
// one's new name goes into app.js before app.js is hashed.
const fingerprinted = [
  'app.css',
  'govuk-frontend.min.js',
  'app.js',
  'location-picker.js',
  'leaflet/leaflet.js',
  'leaflet/leaflet.css',
  'leaflet.markercluster/leaflet.markercluster.js',
  'leaflet.markercluster/MarkerCluster.css',
  'leaflet.markercluster/MarkerCluster.Default.css',
  'leaflet.heat/leaflet-heat.js',
  'swagger-ui/swagger-ui-bundle.js',
  'swagger-ui/swagger-ui.css',
  'api-explorer.js'
]
const FINGERPRINT = /\.[0-9a-f]{10}\.(css|js)(\.gz|\.br)?$/
const COMPRESSIBLE = /\.(css|js|map|json|svg)$/

async function exists (p) {
  try {
    await access(p)
    return true
  } catch {
    return false
  }
}

async function main () {
  const missing = []
  for (const [src] of [...files, ...dirs]) {
    if (!(await exists(src))) missing.push(path.relative(root, src))
  }
  if (missing.length) {
    throw new Error(`missing sources (run "npm ci" first):\n  ${missing.join('\n  ')}`)
  }

  await mkdir(path.join(dist, 'leaflet'), { recursive: true })

  for (const [src, dest] of files) {
    const target = path.join(dist, dest)
    await mkdir(path.dirname(target), { recursive: true })
    await cp(src, target, { force: true })
    console.log(`copied ${path.relative(root, src)} -> ${path.relative(root, target)}`)
  }
  for (const [src, dest] of dirs) {
    const target = path.join(dist, dest)
    await rm(target, { recursive: true, force: true })
    await cp(src, target, { recursive: true, force: true })
    console.log(`copied ${path.relative(root, src)}/ -> ${path.relative(root, target)}/`)
  }
  await fingerprint()
  await compress()
}

async function walk (dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name))
}

async function fingerprint () {
  for (const file of await walk(dist)) {
    if (FINGERPRINT.test(file)) await rm(file)
  }
  // Keys and values as asb's url_for('static', filename=...) takes them.
  const manifest = {}
  for (const name of fingerprinted) {
    let content = await readFile(path.join(dist, name))
    if (name === 'app.js') {
      const imported = manifest['dist/govuk-frontend.min.js'].slice('dist/'.length)
      const text = content.toString('utf8')
      if (!text.includes("'./govuk-frontend.min.js'")) {
        throw new Error("app.js no longer imports './govuk-frontend.min.js': update fingerprint()")
      }
      content = Buffer.from(text.replace("'./govuk-frontend.min.js'", `'./${imported}'`))
    }
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 10)
    const extension = path.extname(name)
    const hashed = `${name.slice(0, -extension.length)}.${hash}${extension}`
    await writeFile(path.join(dist, hashed), content)
    manifest[`dist/${name}`] = `dist/${hashed}`
  }
  await writeFile(path.join(dist, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  console.log(`fingerprinted ${fingerprinted.length} files -> static/dist/manifest.json`)
}

async function compress () {
  let count = 0
  for (const file of await walk(dist)) {
    if (!COMPRESSIBLE.test(file)) continue
    const content = await readFile(file)
    const brotli = brotliCompressSync(content, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY }
    })
    await writeFile(`${file}.br`, brotli)
    await writeFile(`${file}.gz`, gzipSync(content, { level: 9 }))
    count++
  }
  console.log(`compressed ${count} files (.br, .gz)`)
}

main().catch((error) => {
  console.error(`build-assets: ${error.message}`)
  process.exit(1)
})
