/*
 * ASB case management: incident location maps (Leaflet).
 *
 * Classic script (not a module). Load after Leaflet, both deferred:
 *
 *   <link rel="stylesheet" href="/static/dist/leaflet/leaflet.css">
 *   <script src="/static/dist/leaflet/leaflet.js" defer nonce="..."></script>
 *   <script src="/static/dist/location-picker.js" defer nonce="..."></script>
 *
 * The map is an optional enhancement: the latitude/longitude text inputs
 * remain the accessible way to give a location. Without JavaScript, Leaflet or
 * the tile server the form still works.
 *
 * 1. Location picker (incident form):
 *
 *   <div class="asb-map" data-location-picker
 *        data-lat-input="latitude" data-lng-input="longitude"
 *        data-tile-url="/tiles/{z}/{x}/{y}.png"
 *        data-tile-attribution="© OpenStreetMap contributors"
 *        data-boundary-url="/geo/boundary.geojson"
 *        data-wards-url="/geo/wards.geojson"
 *        data-center="51.5155,-0.0922" data-zoom="15"></div>
 *
 *   Clicking the map places (or moves) a single marker and writes the
 *   position, rounded to 6 decimal places, into the inputs whose ids are
 *   given by data-lat-input / data-lng-input. Typing valid numbers into those
 *   inputs moves the marker (on "change"). Existing values are shown on load.
 *
 * 2. Read-only incident map:
 *
 *   <div class="asb-map asb-map--small" data-incident-map
 *        data-lat="51.51" data-lng="-0.09"
 *        data-tile-url="..." data-tile-attribution="..."
 *        data-boundary-url="/geo/boundary.geojson"
 *        data-wards-url="/geo/wards.geojson" (optional)
 *        data-zoom="16" (optional)></div>
 *
 * Optional on both: data-label="..." overrides the map's accessible name.
 * data-tile-attribution is treated as plain text (HTML is escaped).
 *
 * The outlines are decoration: not in the Tab order and hidden from assistive
 * technology (the text inputs and the page say where things are). Ward names
 * are drawn at their wards, so the map can be read without a base map. With no
 * data-tile-url no tile is requested; with none, or when tiles fail to load,
 * a status message under the map says the base map is unavailable.
 */
(function () {
  'use strict'

  var DEFAULT_CENTER = [51.5155, -0.0922] // City of London (Guildhall)
  var DEFAULT_ZOOM = 15
  var PICKER_LABEL = 'Map: select the location of the incident'
  var DISPLAY_LABEL = 'Map: location of the incident'
  var BRAND = '#8a1538'
  var MARKER_STYLE = {
    radius: 9,
    color: '#0b0c0c',
    weight: 3,
    fillColor: '#ffdd00',
    fillOpacity: 1
  }
  var BOUNDARY_STYLE = {
    color: BRAND,
    weight: 4,
    opacity: 0.9,
    fill: false,
    interactive: false
  }
  var WARD_STYLE = {
    color: '#505a5f',
    weight: 1,
    opacity: 0.8,
    dashArray: '4 3',
    fill: false,
    interactive: false
  }
  var NO_BASE_MAP = 'Base map unavailable: the ward outlines and labels still show where things are.'

  function escapeHtml (text) {
    return String(text)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  }

  function round6 (value) {
    return (Math.round(value * 1e6) / 1e6).toFixed(6)
  }

  function parseNumber (value) {
    if (value === null || value === undefined) return null
    var text = String(value).trim()
    if (text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text)) return null
    var number = parseFloat(text)
    return isFinite(number) ? number : null
  }

  function parseLatLng (lat, lng) {
    var la = parseNumber(lat)
    var ln = parseNumber(lng)
    if (la === null || ln === null) return null
    if (la < -90 || la > 90 || ln < -180 || ln > 180) return null
    return L.latLng(la, ln)
  }

  function parseCenter (value) {
    if (!value) return null
    var parts = String(value).split(',')
    if (parts.length !== 2) return null
    return parseLatLng(parts[0], parts[1])
  }

  function parseZoom (value, fallback) {
    var zoom = parseInt(value, 10)
    return isFinite(zoom) && zoom >= 0 && zoom <= 22 ? zoom : fallback
  }

  function createMap (element, options) {
    var center = parseCenter(element.getAttribute('data-center')) ||
      L.latLng(DEFAULT_CENTER[0], DEFAULT_CENTER[1])
    var zoom = parseZoom(element.getAttribute('data-zoom'), DEFAULT_ZOOM)

    var map = L.map(element, {
      center: center,
      zoom: zoom,
      scrollWheelZoom: options.scrollWheelZoom,
      keyboard: true
    })

    var container = map.getContainer()
    container.setAttribute('role', 'region')
    container.setAttribute('aria-label',
      element.getAttribute('data-label') || options.label)

    var status = document.createElement('p')
    status.className = 'govuk-body-s asb-map-status'
    status.setAttribute('role', 'status')
    element.parentNode.insertBefore(status, element.nextSibling)
    function noBaseMap () {
      if (!status.textContent) status.textContent = NO_BASE_MAP
    }

    var tileUrl = element.getAttribute('data-tile-url')
    if (tileUrl) {
      // If the tile server is unreachable (an intranet, the server down) the
      // boundary, ward outlines and ward names (vector layers) carry the map.
      L.tileLayer(tileUrl, {
        maxZoom: 19,
        attribution: escapeHtml(element.getAttribute('data-tile-attribution') || ''),
        crossOrigin: false
      }).on('tileerror', noBaseMap).addTo(map)
    } else {
      noBaseMap()
    }

    return map
  }

  // Leaflet makes every interactive path a Tab stop with no name: decoration
  // must be neither focusable nor announced.
  function hideFromAssistiveTechnology (layer) {
    var element = layer.getElement && layer.getElement()
    if (!element) return
    element.setAttribute('aria-hidden', 'true')
    element.setAttribute('tabindex', '-1')
  }

  function labelWard (feature, layer) {
    var name = feature && feature.properties && feature.properties.name
    if (!name) return
    // A node, not an HTML string, so names are never parsed as HTML.
    var label = document.createElement('span')
    label.textContent = String(name)
    layer.bindTooltip(label, {
      permanent: true,
      direction: 'center',
      className: 'asb-map-ward-label',
      interactive: false
    })
    layer.on('tooltipopen', function (event) {
      event.tooltip.getElement().setAttribute('aria-hidden', 'true')
    })
    // Leaflet would put a ward in two parts at the centre of its first part.
    layer.on('add', function () {
      layer.getTooltip().setLatLng(centreOfLargestPart(layer.getLatLngs()))
    })
  }

  function centreOfLargestPart (latlngs) {
    var parts = L.LineUtil.isFlat(latlngs[0]) ? [latlngs] : latlngs
    var largest = null
    var largestArea = -1
    for (var i = 0; i < parts.length; i++) {
      var bounds = L.latLngBounds(parts[i][0])
      var area = (bounds.getNorth() - bounds.getSouth()) * (bounds.getEast() - bounds.getWest())
      if (area > largestArea) {
        largest = parts[i][0]
        largestArea = area
      }
    }
    return L.PolyUtil.polygonCenter(largest, L.CRS.EPSG3857)
  }

  function fetchGeoJson (url) {
    return window.fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/geo+json, application/json' }
    }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + url)
      return response.json()
    })
  }

  function addOutlines (map, element, fitToBoundary) {
    var boundaryUrl = element.getAttribute('data-boundary-url')
    var wardsUrl = element.getAttribute('data-wards-url')
    var pending = []

    if (wardsUrl) {
      pending.push(fetchGeoJson(wardsUrl).then(function (data) {
        var wards = L.geoJSON(data, { style: WARD_STYLE, onEachFeature: labelWard }).addTo(map)
        wards.eachLayer(hideFromAssistiveTechnology)
        wards.bringToBack()
        return wards
      }).catch(function (error) {
        if (window.console) window.console.warn('Ward outlines not loaded:', error)
      }))
    }

    if (boundaryUrl) {
      pending.push(fetchGeoJson(boundaryUrl).then(function (data) {
        var boundary = L.geoJSON(data, { style: BOUNDARY_STYLE }).addTo(map)
        boundary.eachLayer(hideFromAssistiveTechnology)
        if (fitToBoundary && boundary.getBounds().isValid()) {
          map.fitBounds(boundary.getBounds(), { padding: [10, 10] })
        }
        return boundary
      }).catch(function (error) {
        if (window.console) window.console.warn('Boundary not loaded:', error)
      }))
    }

    return pending
  }

  function initPicker (element) {
    var latInput = document.getElementById(element.getAttribute('data-lat-input') || 'latitude')
    var lngInput = document.getElementById(element.getAttribute('data-lng-input') || 'longitude')
    if (!latInput || !lngInput) return null

    var map = createMap(element, { label: PICKER_LABEL, scrollWheelZoom: false })
    var marker = null

    function placeMarker (latlng) {
      if (marker) {
        marker.setLatLng(latlng)
      } else {
        marker = L.circleMarker(latlng, Object.assign({ interactive: false }, MARKER_STYLE))
          .addTo(map)
        hideFromAssistiveTechnology(marker)
      }
      marker.bringToFront()
    }

    function fromInputs () {
      return parseLatLng(latInput.value, lngInput.value)
    }

    function dispatchChange (input) {
      var event
      if (typeof window.Event === 'function') {
        event = new window.Event('input', { bubbles: true })
      } else {
        event = document.createEvent('Event')
        event.initEvent('input', true, true)
      }
      input.dispatchEvent(event)
    }

    map.on('click', function (event) {
      var latlng = event.latlng.wrap()
      latInput.value = round6(latlng.lat)
      lngInput.value = round6(latlng.lng)
      placeMarker(L.latLng(parseFloat(latInput.value), parseFloat(lngInput.value)))
      dispatchChange(latInput)
      dispatchChange(lngInput)
    })

    function onInputChange () {
      var latlng = fromInputs()
      if (!latlng) return
      placeMarker(latlng)
      if (!map.getBounds().contains(latlng)) map.panTo(latlng)
    }

    latInput.addEventListener('change', onInputChange)
    lngInput.addEventListener('change', onInputChange)

    var initial = fromInputs()
    if (initial) {
      placeMarker(initial)
      map.setView(initial, map.getZoom(), { animate: false })
    }

    addOutlines(map, element, false)
    element.asbMap = map
    return map
  }

  function initDisplay (element) {
    var latlng = parseLatLng(element.getAttribute('data-lat'), element.getAttribute('data-lng'))
    if (!latlng) return null

    if (!element.getAttribute('data-center')) {
      element.setAttribute('data-center', latlng.lat + ',' + latlng.lng)
    }
    if (!element.getAttribute('data-zoom')) {
      element.setAttribute('data-zoom', '16')
    }

    var map = createMap(element, { label: DISPLAY_LABEL, scrollWheelZoom: false })
    hideFromAssistiveTechnology(
      L.circleMarker(latlng, Object.assign({ interactive: false }, MARKER_STYLE)).addTo(map))
    addOutlines(map, element, false)
    element.asbMap = map
    return map
  }

  function initAll (scope) {
    if (typeof window.L === 'undefined' || !window.fetch) return
    var root = scope || document
    var pickers = root.querySelectorAll('[data-location-picker]')
    var displays = root.querySelectorAll('[data-incident-map]')
    var i
    for (i = 0; i < pickers.length; i++) {
      if (!pickers[i].asbMap) safely(initPicker, pickers[i])
    }
    for (i = 0; i < displays.length; i++) {
      if (!displays[i].asbMap) safely(initDisplay, displays[i])
    }
  }

  function safely (fn, element) {
    try {
      fn(element)
    } catch (error) {
      if (window.console) window.console.error('Map could not be initialised:', error)
    }
  }

  window.AsbMaps = { initAll: initAll }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { initAll() })
  } else {
    initAll()
  }
})()
