// Browser side of the map: fetch each layer's data once, draw it with the catalogue
// style, and build tooltips/popups with textContent so GeoJSON text is never HTML.
// Kept on `window` of the map iframe, which survives Streamlit reruns, so a toggle
// re-adds a layer from memory instead of downloading it again.
(function () {
  if (window.hz) { return; }
  const dataCache = {};
  function fetchOnce(url) {
    if (!dataCache[url]) {
      dataCache[url] = fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(url + ': HTTP ' + r.status); }
        return r.json();
      });
    }
    return dataCache[url];
  }
  function styleFor(cfg, props) {
    const style = Object.assign({}, cfg.style);
    (cfg.style_by || []).forEach(function (rule) {
      const extra = rule.values[String(props[rule.property])];
      if (extra) { Object.assign(style, extra); }
    });
    return style;
  }
  function text(value) {
    if (value === null || value === undefined) { return ''; }
    if (Array.isArray(value)) { return value.join('、'); }
    return String(value);
  }
  function table(props, cfg, fields, withSource) {
    const box = document.createElement('div');
    box.className = 'hz-info';
    const head = document.createElement('div');
    head.className = 'hz-title';
    head.textContent = text(props[cfg.title_field]);
    box.appendChild(head);
    const tbl = document.createElement('table');
    function row(heading) {  // a labelled row; returns its value cell
      const tr = tbl.insertRow();
      const th = document.createElement('th');
      th.textContent = heading;
      tr.appendChild(th);
      return tr.insertCell();
    }
    fields.forEach(function (pair) {
      const raw = props[pair[0]];
      if (raw === null || raw === undefined || raw === '' || (Array.isArray(raw) && !raw.length)) { return; }
      const labels = (cfg.value_labels && cfg.value_labels[pair[0]]) || {};
      const shown = (Array.isArray(raw) ? raw : [raw]).map(function (v) { return labels[String(v)] || text(v); });
      row(pair[1]).textContent = shown.join('、');
    });
    // Popups also name what points at this feature (e.g. the major projects concerning a park).
    const back = fields === cfg.popup && cfg.referenced_by && cfg.referenced_by[props.id];
    if (back) {
      const cell = row(cfg.referenced_by_title);
      back.forEach(function (line) {
        const item = document.createElement('div');
        item.textContent = line;
        cell.appendChild(item);
      });
    }
    box.appendChild(tbl);
    return box;
  }
  function label(props, cfg, latlng) {
    const el = document.createElement('span');
    el.className = 'hz-label hz-label-' + (cfg.label_position === 'below' ? 'below' : cfg.geometry.toLowerCase());
    el.textContent = text(props[cfg.label_field]);
    return L.marker(latlng, {
      pane: cfg.label_pane, interactive: false, keyboard: false,
      icon: L.divIcon({className: 'hz-label-icon', html: el, iconSize: null}),
    });
  }
  // WGS 84 → GCJ-02, the same published transform as layers/crs.py, so our data sits on
  // Amap tiles (which are in GCJ-02).
  const KA = 6378245.0, KEE = 0.00669342162296594323;
  function offLat(x, y) {
    let v = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    v += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    v += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    v += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
    return v;
  }
  function offLon(x, y) {
    let v = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    v += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    v += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    v += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
    return v;
  }
  function toGcj(lon, lat) {
    const rad = lat / 180 * Math.PI;
    const magic = 1 - KEE * Math.sin(rad) * Math.sin(rad);
    const sq = Math.sqrt(magic);
    const dLat = offLat(lon - 105, lat - 35) * 180 / ((KA * (1 - KEE)) / (magic * sq) * Math.PI);
    const dLon = offLon(lon - 105, lat - 35) * 180 / (KA / sq * Math.cos(rad) * Math.PI);
    return [lon + dLon, lat + dLat];
  }
  function latLngOf(cfg, coords) {
    const c = cfg.gcj ? toGcj(coords[0], coords[1]) : coords;
    return L.latLng(c[1], c[0]);
  }
  // Built groups are kept by configuration, so switching a layer back on re-attaches it
  // instead of rebuilding it.
  const built = {};
  function layer(parent, cfg) {
    const key = JSON.stringify(cfg);
    if (built[key]) {
      parent.addLayer(built[key]);
      return built[key];
    }
    const group = L.featureGroup();
    group.hzKey = key;
    built[key] = group;
    const include = cfg.include ? new Set(cfg.include) : null;
    const options = {
      pane: cfg.pane,
      filter: function (f) { return !include || include.has(f.properties.id); },
      coordsToLatLng: function (c) { return latLngOf(cfg, c); },
      style: function (f) { return styleFor(cfg, f.properties); },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, Object.assign({pane: cfg.pane, renderer: options.renderer},
                                                   styleFor(cfg, f.properties)));
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(function () { return table(f.properties, cfg, cfg.tooltip); }, {sticky: true});
        l.bindPopup(function () { return table(f.properties, cfg, cfg.popup); }, {maxWidth: 360});
        l.hzId = f.properties.id;
      },
    };
    // Thousands of features: one canvas instead of one SVG element each.
    if (cfg.canvas) { options.renderer = L.canvas({pane: cfg.pane, padding: 0.2}); }
    // Thousands of points: one canvas, batched (dense_points.js), no object per point.
    const shapes = cfg.canvas && cfg.geometry === 'Point' ? new window.hz.DensePoints(cfg) : L.geoJSON(null, options);
    group.addLayer(shapes);
    // Point labels crowd at city scale: show them only from label_min_zoom on.
    const labels = L.layerGroup();
    function syncLabels() {
      const map = group._map;
      if (!map) { return; }
      const show = !cfg.label_min_zoom || map.getZoom() >= cfg.label_min_zoom;
      if (show && !group.hasLayer(labels)) { group.addLayer(labels); }
      if (!show && group.hasLayer(labels)) { group.removeLayer(labels); }
    }
    // Heavy layers come in simplified copies per zoom (cfg.lods: [[maxZoom, url], ...]).
    function urlFor(zoom) {
      for (const [maxZoom, url] of (cfg.lods || [])) { if (zoom <= maxZoom) { return url; } }
      return cfg.url;
    }
    let shownUrl = null;
    function show(url, first) {
      shownUrl = url;
      return fetchOnce(url).then(function (data) {
        if (url !== shownUrl) { return group; }  // the user zoomed on meanwhile
        shapes.clearLayers();
        labels.clearLayers();
        shapes.addData(data);
        if (cfg.label_field) {
          data.features.forEach(function (f) {
            if (!f.geometry) { return; }  // unlocated: listed in search and tables, not drawn
            if (include && !include.has(f.properties.id)) { return; }
            const at = f.properties.__label || (f.geometry.type === 'Point' ? f.geometry.coordinates : null);
            if (at) { labels.addLayer(label(f.properties, cfg, latLngOf(cfg, at))); }
          });
          syncLabels();
        }
        if (first) { focusOn(); }
        const el = document.getElementById('map_div') || document.body;
        el.dataset['hzLoaded_' + cfg.id] = String(data.features.length);
        return group;
      }).catch(function (err) { console.error('layer ' + cfg.id + ' failed: ' + err.message); });
    }
    // A search result: fly there once per search (the token), then open its popup.
    function focusOn() {
      if (!cfg.focus || window.hzLastFocus === cfg.focus.token) { return; }
      window.hzLastFocus = cfg.focus.token;
      if (shapes.focus) { shapes.focus(cfg.focus.id, cfg.focus.zoom); return; }
      shapes.eachLayer(function (l) {
        if (l.hzId !== cfg.focus.id || !group._map) { return; }
        const map = group._map;
        map.once('moveend', function () { l.openPopup(); });
        if (l.getLatLng) { map.setView(l.getLatLng(), cfg.focus.zoom, {animate: false}); }
        else { map.fitBounds(l.getBounds(), {animate: false, maxZoom: cfg.focus.zoom}); }
      });
    }
    function onZoom() {
      syncLabels();
      const wanted = urlFor(group._map.getZoom());
      if (wanted !== shownUrl) { show(wanted, false); }
    }
    group.on('add', function () {
      group.hzMap = group._map;
      group.hzMap.on('zoomend', onZoom);
      const wanted = urlFor(group._map.getZoom());
      if (wanted !== shownUrl) { show(wanted, true); }  // re-attached: already drawn
      else { syncLabels(); }
    });
    group.on('remove', function () { if (group.hzMap) { group.hzMap.off('zoomend', onZoom); } });
    parent.addLayer(group);
    return group;
  }

  // Which layers are on: decided by the layer panel (setVisible, called directly or over a
  // BroadcastChannel; no server round trip) and by Python (shared links, search) through sync();
  // the newest decision by sequence number wins (docs/decisions/0006).
  const view = {map: null, configs: null, configUrl: null, visible: [], seq: -1,
                include: null, focus: null, shown: {}, legend: null, channel: null};
  function configFor(id) {
    const base = view.configs && view.configs.layers[id];
    if (!base || !base.url) { return null; }
    return Object.assign({}, base, {
      include: view.include && view.include[id] ? view.include[id] : null,
      focus: view.focus && view.focus.layer === id ? view.focus : null,
    });
  }
  function apply() {
    if (!view.map || !view.configs) { return; }
    const wanted = new Set(view.visible);
    Object.keys(view.shown).forEach(function (id) {
      const cfg = configFor(id);
      if (!wanted.has(id) || !cfg || view.shown[id].hzKey !== JSON.stringify(cfg)) {
        view.map.removeLayer(view.shown[id]);
        delete view.shown[id];
      }
    });
    view.configs.order.forEach(function (id) {
      const cfg = configFor(id);
      if (wanted.has(id) && cfg && !view.shown[id]) { view.shown[id] = layer(view.map, cfg); }
    });
    drawLegend();
    prefetchLater();
  }
  // Once the map is drawn, fetch the other small layers in the background: switching one on
  // then only builds it from memory.
  let prefetching = null;
  function prefetchLater() {
    if (prefetching) { return; }
    prefetching = setTimeout(function () {
      view.configs.order.forEach(function (id) {
        const cfg = view.configs.layers[id];
        if (cfg.url && cfg.prefetch) { fetchOnce(cfg.url).catch(function () {}); }
      });
    }, 800);
  }
  function setVisible(visible, seq) {
    if (!Array.isArray(visible) || !(seq > view.seq)) { return false; }
    view.visible = visible.slice();
    view.seq = seq;
    apply();
    return true;
  }
  function sync(map, state) {
    view.map = map;
    if (state.channel && !view.channel && window.BroadcastChannel) {
      view.channel = new BroadcastChannel(state.channel);
      view.channel.onmessage = function (e) { if (e.data) { setVisible(e.data.visible, e.data.seq); } };
    }
    view.include = state.include || null;
    view.focus = state.focus || null;
    if (state.seq > view.seq) { view.visible = state.visible.slice(); view.seq = state.seq; }
    const url = state.config_url;
    view.configUrl = url;
    return fetchOnce(url).then(function (configs) {
      if (url !== view.configUrl) { return; }  // a newer configuration (language switch) was asked for meanwhile
      view.configs = configs;
      apply();
    }).catch(function (err) { console.error('map configuration failed: ' + err.message); });
  }
  // Legend drawn from the same configuration, so it follows a toggle at once.
  function swatch(geometry, style) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', '24');
    svg.setAttribute('height', '16');
    let shape;
    if (geometry === 'Point') {
      shape = document.createElementNS(ns, 'circle');
      shape.setAttribute('cx', '12'); shape.setAttribute('cy', '8'); shape.setAttribute('r', '5');
      shape.setAttribute('fill', style.fillColor || '#fff');
    } else if (geometry === 'LineString') {
      shape = document.createElementNS(ns, 'line');
      shape.setAttribute('x1', '1'); shape.setAttribute('y1', '8'); shape.setAttribute('x2', '23'); shape.setAttribute('y2', '8');
      if (style.dashArray) { shape.setAttribute('stroke-dasharray', style.dashArray); }
    } else {
      shape = document.createElementNS(ns, 'rect');
      shape.setAttribute('x', '2'); shape.setAttribute('y', '2'); shape.setAttribute('width', '20'); shape.setAttribute('height', '12');
      shape.setAttribute('fill', style.fillColor || 'none');
      shape.setAttribute('fill-opacity', String(style.fillOpacity === undefined ? 0.4 : style.fillOpacity));
    }
    shape.setAttribute('stroke', style.color || '#333');
    shape.setAttribute('stroke-width', String(geometry === 'LineString' ? (style.weight || 2) : 1.5));
    svg.appendChild(shape);
    return svg;
  }
  function drawLegend() {
    if (!view.legend) {
      const Legend = L.Control.extend({
        options: {position: 'bottomright'},
        onAdd: function () {
          const box = L.DomUtil.create('div', 'hz-legend');
          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          return box;
        },
      });
      view.legend = new Legend().addTo(view.map);
    }
    const box = view.legend.getContainer();
    box.replaceChildren();
    const ids = view.configs.order.filter(function (id) { return view.shown[id]; });
    box.style.display = ids.length ? '' : 'none';
    // The title folds the legend away (it can cover the map on a small screen or a slide).
    const head = document.createElement('div');
    head.className = 'hz-legend-title';
    head.setAttribute('role', 'button');
    head.textContent = (view.legendFolded ? '▸ ' : '▾ ') + view.configs.legend_title;
    head.addEventListener('click', function () { view.legendFolded = !view.legendFolded; drawLegend(); });
    box.appendChild(head);
    if (view.legendFolded) { return; }
    ids.forEach(function (id) {
      const cfg = view.configs.layers[id];
      const row = document.createElement('div');
      row.className = 'hz-legend-item';
      row.appendChild(swatch(cfg.geometry, cfg.style));
      const name = document.createElement('span');
      name.textContent = cfg.title;
      row.appendChild(name);
      box.appendChild(row);
    });
  }

  // Measure tool: click points, read the length (and the area once three points are set).
  function measureControl(map, words) {
    const Control = L.Control.extend({
      options: {position: 'topleft'},
      onAdd: function () {
        const box = L.DomUtil.create('div', 'leaflet-bar hz-measure');
        const button = L.DomUtil.create('a', '', box);
        button.href = '#';
        button.title = words.title;
        button.textContent = words.short;
        button.setAttribute('role', 'button');
        const out = L.DomUtil.create('div', 'hz-measure-out', box);
        out.style.display = 'none';
        let active = false, points = [], line = null, poly = null;
        function clear() {
          points = [];
          if (line) { map.removeLayer(line); line = null; }
          if (poly) { map.removeLayer(poly); poly = null; }
          out.textContent = words.hint;
        }
        function update() {
          let metres = 0;
          for (let i = 1; i < points.length; i++) { metres += points[i - 1].distanceTo(points[i]); }
          if (line) { map.removeLayer(line); }
          if (poly) { map.removeLayer(poly); poly = null; }
          line = L.polyline(points, {color: '#d35400', weight: 2, dashArray: '4 4', interactive: false}).addTo(map);
          let text = words.distance + ' ' + (metres >= 1000 ? (metres / 1000).toFixed(2) + ' km' : metres.toFixed(0) + ' m');
          if (points.length >= 3) {
            poly = L.polygon(points, {color: '#d35400', weight: 1, fillOpacity: 0.1, interactive: false}).addTo(map);
            const area = sphericalArea(points);
            text += ' · ' + words.area + ' ' + (area >= 1e6 ? (area / 1e6).toFixed(2) + ' km²' : area.toFixed(0) + ' m²');
          }
          out.textContent = text;
        }
        // Capture clicks before features see them: while measuring, a click on a district
        // adds a point instead of opening its popup.
        function onClick(e) {
          if (box.contains(e.target)) { return; }
          e.stopPropagation();
          points.push(map.mouseEventToLatLng(e));
          update();
        }
        const container = map.getContainer();
        L.DomEvent.on(button, 'click', function (e) {
          L.DomEvent.stop(e);
          active = !active;
          map.hzMeasuring = active;  // dense point layers stand aside while measuring
          box.classList.toggle('hz-measure-on', active);
          out.style.display = active ? 'block' : 'none';
          if (active) { clear(); container.addEventListener('click', onClick, true); map.doubleClickZoom.disable(); }
          else { container.removeEventListener('click', onClick, true); map.doubleClickZoom.enable(); clear(); }
        });
        L.DomEvent.disableClickPropagation(box);
        return box;
      },
    });
    return new Control().addTo(map);
  }
  // Area of a lon/lat ring on the WGS 84 authalic sphere (good to ~0.5 % at city scale).
  function sphericalArea(latlngs) {
    const R = 6371007.2;
    let total = 0;
    for (let i = 0; i < latlngs.length; i++) {
      const a = latlngs[i], b = latlngs[(i + 1) % latlngs.length];
      total += (b.lng - a.lng) * Math.PI / 180 *
        (2 + Math.sin(a.lat * Math.PI / 180) + Math.sin(b.lat * Math.PI / 180));
    }
    return Math.abs(total * R * R / 2);
  }
  window.hz = {layer: layer, fetchOnce: fetchOnce, measureControl: measureControl, toGcj: toGcj,
               sync: sync, setVisible: setVisible, swatch: swatch, view: view,
               table: table, styleFor: styleFor, latLngOf: latLngOf};
})();
