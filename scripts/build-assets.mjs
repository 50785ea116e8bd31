#!/usr/bin/env node
// Copies front-end assets into static/dist/ (run after the Sass build by
// `npm run build`). Idempotent: every target is overwritten on each run.
// Uses only Node built-ins; sources come from node_modules/ (installed with
// `npm ci`) and assets/js/.

import { cp, mkdir, access, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

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
  [path.join(nm, 'leaflet.heat/dist/leaflet-heat.js'), 'leaflet.heat/leaflet-heat.js']
]
const dirs = [
  [path.join(nm, 'leaflet/dist/images'), 'leaflet/images']
]

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
}

main().catch((error) => {
  console.error(`build-assets: ${error.message}`)
  process.exit(1)
})
