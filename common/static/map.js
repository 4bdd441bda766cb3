// SPDX-License-Identifier: AGPL-3.0-or-later
// The map component (common/templates/map.mustache, contract in common/include/common/map.h):
// turns each hidden [data-map] container into a Leaflet map showing a GeoJSON layer, one fixed
// marker, or a pin the user places to fill two form inputs. Progressive enhancement only: when
// Leaflet is missing, or anything fails, the container stays hidden and the page works as is.
// Data from the server is only ever put into the page as text (textContent, attributes),
// never as HTML.
(function () {
	'use strict';
	if (typeof L === 'undefined' || !window.fetch) return;

	// Escape text for the few Leaflet APIs that take HTML (the attribution).
	function escapeHtml(s) {
		var d = document.createElement('div');
		d.textContent = s;
		return d.innerHTML;
	}

	// Only local links go into popups: "/projects/3", never "//host" or "javascript:".
	function isLocalUrl(u) {
		return typeof u === 'string' && u.charAt(0) === '/' && u.charAt(1) !== '/' &&
			u.charAt(1) !== '\\';
	}

	function popupFor(props, openText) {
		var box = document.createElement('div');
		box.className = 'map-popup';
		var title = document.createElement('p');
		title.className = 'map-popup-title';
		title.setAttribute('dir', 'auto');
		title.textContent = String(props.title || '');
		box.appendChild(title);
		if (props.label) {
			var label = document.createElement('p');
			label.textContent = String(props.label);
			box.appendChild(label);
		}
		if (isLocalUrl(props.url)) {
			var p = document.createElement('p');
			var a = document.createElement('a');
			a.href = props.url;
			a.textContent = openText;
			p.appendChild(a);
			box.appendChild(p);
		}
		return box;
	}

	function statusIcon(status) {
		var s = String(status || '').replace(/[^a-z0-9_-]/gi, '');
		return new L.Icon.Default(s ? { className: 'map-status-' + s } : {});
	}

	// An area of a crowded view (a count of items, not one item): the server's "count" and
	// "bbox" properties; clicking it zooms to the area.
	function isArea(p) {
		return typeof p.count === 'number' && isFinite(p.count);
	}

	function areaIcon(count) {
		var span = document.createElement('span');
		span.textContent = String(count);
		return L.divIcon({ className: 'map-area', html: span, iconSize: [40, 40] });
	}

	function zoomTo(map, p, marker) {
		var b = p.bbox;
		if (Array.isArray(b) && b.length === 4 && b.every(function (x) { return isFinite(x); }))
			map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
		else map.setView(marker.getLatLng(), map.getZoom() + 2);
	}

	// The answer's "note" (a crowded view counted by area) in the map's note line, as text.
	function showNote(el, data) {
		var note = document.querySelector('[data-map-note="' + el.id + '"]');
		if (!note) return;
		note.textContent = data && typeof data.note === 'string' ? data.note : '';
		note.hidden = note.textContent === '';
	}

	function parseCoord(text, micro) {
		if (text === null || text === undefined) return NaN;
		var t = String(text).trim();
		if (t === '' || !/^-?\d+(\.\d+)?$/.test(t)) return NaN;
		var n = parseFloat(t);
		return micro ? n / 1e6 : n;
	}

	function setup(el) {
		var d = el.dataset;
		var centre = [parseFloat(d.lat), parseFloat(d.lon)];
		var zoom = parseInt(d.zoom, 10);
		if (!isFinite(centre[0]) || !isFinite(centre[1])) return;
		el.hidden = false; // Leaflet measures the container
		var map = L.map(el, { zoomControl: false });
		L.control.zoom({
			zoomInTitle: d.zoomIn || 'Zoom in',
			zoomOutTitle: d.zoomOut || 'Zoom out',
		}).addTo(map);
		map.setView(centre, isFinite(zoom) ? zoom : 13);
		if (d.tiles) {
			// tiles that fail to load (no network, blocked) just leave the grey background
			L.tileLayer(d.tiles, {
				maxZoom: 19,
				attribution: escapeHtml(d.attribution || ''),
			}).addTo(map);
		}
		var openText = d.open || 'Open';

		if (d.markerLat) {
			var m = [parseFloat(d.markerLat), parseFloat(d.markerLon)];
			if (isFinite(m[0]) && isFinite(m[1])) {
				L.marker(m, {
					alt: d.markerTitle || d.pin || openText,
					title: d.markerTitle || '',
				}).addTo(map);
				map.setView(m, Math.max(map.getZoom(), 16));
			}
		}

		if (d.geojson) showGeojson(map, el, d.geojson, d.bbox === 'true', openText);
		if (d.pickLat && d.pickLon) {
			pick(map, d);
			var help = document.querySelector('[data-map-help="' + el.id + '"]');
			if (help) help.hidden = false;
		}
	}

	function showGeojson(map, el, url, byBbox, openText) {
		var layer = null;
		var controller = null;
		var first = true;
		function load() {
			var u = url;
			if (byBbox) {
				var b = map.getBounds();
				u += (u.indexOf('?') < 0 ? '?' : '&') + 'bbox=' +
					[b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
						.map(function (x) { return x.toFixed(6); }).join(',');
			}
			if (controller) controller.abort();
			controller = window.AbortController ? new AbortController() : null;
			fetch(u, {
				headers: { Accept: 'application/geo+json, application/json' },
				credentials: 'same-origin',
				signal: controller ? controller.signal : undefined,
			})
				.then(function (r) {
					if (!r.ok) throw new Error('HTTP ' + r.status);
					return r.json();
				})
				.then(function (data) {
					var next = L.geoJSON(data, {
						filter: function (f) {
							return f && f.geometry && f.geometry.type === 'Point';
						},
						pointToLayer: function (f, latlng) {
							var p = f.properties || {};
							return L.marker(latlng, {
								icon: isArea(p) ? areaIcon(p.count) : statusIcon(p.status),
								alt: String(p.title || openText),
								title: String(p.title || ''),
							});
						},
						onEachFeature: function (f, marker) {
							var p = f.properties || {};
							// an area with a link (an aggregate, e.g. a quarter's needs) opens it
							if (isArea(p) && !isLocalUrl(p.url)) marker.on('click', function () { zoomTo(map, p, marker); });
							else marker.bindPopup(popupFor(p, openText));
						},
					});
					if (layer) map.removeLayer(layer);
					layer = next.addTo(map);
					el.setAttribute('data-features', String(next.getLayers().length));
					showNote(el, data);
					if (first && !byBbox && next.getLayers().length > 0)
						map.fitBounds(next.getBounds(), { maxZoom: 16, padding: [24, 24] });
					first = false;
				})
				.catch(function (e) {
					if (e && e.name === 'AbortError') return;
					el.setAttribute('data-error', 'geojson');
				});
		}
		if (byBbox) map.on('moveend', load);
		load();
	}

	function pick(map, d) {
		var latIn = document.getElementById(d.pickLat);
		var lonIn = document.getElementById(d.pickLon);
		if (!latIn || !lonIn) return;
		var micro = d.pickMicro === 'true';
		var marker = null;

		function write(ll) {
			var w = ll.wrap();
			latIn.value = micro ? String(Math.round(w.lat * 1e6)) : w.lat.toFixed(6);
			lonIn.value = micro ? String(Math.round(w.lng * 1e6)) : w.lng.toFixed(6);
			[latIn, lonIn].forEach(function (i) {
				i.dispatchEvent(new Event('input', { bubbles: true }));
				i.dispatchEvent(new Event('change', { bubbles: true }));
			});
		}
		function place(ll) {
			if (marker) {
				marker.setLatLng(ll);
				return;
			}
			marker = L.marker(ll, { draggable: true, alt: d.pin || 'Pin', title: d.pin || '' })
				.addTo(map);
			marker.on('dragend', function () { write(marker.getLatLng()); });
		}
		function read() {
			var la = parseCoord(latIn.value, micro);
			var lo = parseCoord(lonIn.value, micro);
			if (isFinite(la) && isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180)
				return L.latLng(la, lo);
			return null;
		}

		var existing = read();
		if (existing) {
			place(existing);
			map.setView(existing, Math.max(map.getZoom(), 16));
		}
		map.on('click', function (e) {
			place(e.latlng);
			write(e.latlng);
		});
		// typing coordinates moves the pin (the inputs stay the accessible way to set them)
		[latIn, lonIn].forEach(function (i) {
			i.addEventListener('change', function () {
				var ll = read();
				if (ll) place(ll);
			});
		});
	}

	function start() {
		var els = document.querySelectorAll('[data-map]');
		for (var i = 0; i < els.length; i++) {
			try {
				setup(els[i]);
			} catch (e) {
				els[i].hidden = true; // a broken map is worse than none
			}
		}
	}
	if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
	else start();
})();
