// Browser side of the map: fetch each layer's data once, draw it with the catalogue
// style, and build tooltips/popups with textContent so GeoJSON text is never HTML.
// Kept on `window` of the map iframe, which survives Streamlit reruns, so a toggle
// re-adds a layer from memory instead of downloading it again.
(function () {
  if (window.hz) { return; }
  const fetchOnce = window.hzFetchJson;  // shared.js, loaded before this file
  // Symbols are resolved in Python (layers/model/styles.py); each feature carries its index.
  function styleFor(cfg, props) {
    return cfg.symbols[props.__sym] || cfg.symbols[0];
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
    el.dataset.priority = String(cfg.label_priority || 0);
    return L.marker(latlng, {
      pane: cfg.label_pane, interactive: false, keyboard: false,
      icon: L.divIcon({className: 'hz-label-icon', html: el, iconSize: null}),
    });
  }
  // Label collisions: after any zoom or layer change, labels are shown by priority (plan cores
  // and stations before towns and parks, layers/styles.label_priority); a label that would
  // touch one already shown, or a district badge, is hidden until there is room for it.
  const LABEL_GAP = 2;  // px kept clear around each label
  const SAME_SPOT = 4;  // px: labels anchored this close name one place
  // Right of the symbol (the stylesheet's default), then left, above, below.
  const POINT_LABEL_PLACES = ['', 'translate(calc(-100% - 8px), -50%)', 'translate(-50%, calc(-100% - 9px))',
                              'translate(-50%, 9px)'];
  function boxesTouch(a, b) {
    return a.left < b.right + LABEL_GAP && b.left < a.right + LABEL_GAP &&
           a.top < b.bottom + LABEL_GAP && b.top < a.bottom + LABEL_GAP;
  }
  function declutter(map) {
    const container = map.getContainer();
    // Badges and map controls (legend, zoom, measure) are never covered by a label.
    const taken = Array.from(container.querySelectorAll('.hz-badge, .leaflet-control')).map(function (el) {
      return el.getBoundingClientRect();
    });
    const labels = Array.from(container.querySelectorAll('.hz-label'));
    const spots = [];  // anchors of the labels shown
    labels.forEach(function (el) { el.style.visibility = ''; el.style.transform = ''; });
    labels.map(function (el, order) { return {el: el, order: order, priority: +el.dataset.priority || 0}; })
      .sort(function (a, b) { return b.priority - a.priority || a.order - b.order; })
      .forEach(function (item) {
        // Two point labels for one spot (a core and the park it copies, a city and its
        // station): the first shown speaks for both.
        const point = item.el.classList.contains('hz-label-point');
        const at = item.el.parentNode.getBoundingClientRect();
        if (point && spots.some(function (p) { return Math.abs(p[0] - at.left) < SAME_SPOT && Math.abs(p[1] - at.top) < SAME_SPOT; })) {
          item.el.style.visibility = 'hidden';
          item.el.dataset.hzHidden = '1';
          return;
        }
        // A point's label may move to the left, above or below its symbol to find room.
        const places = point ? POINT_LABEL_PLACES : [''];
        const free = places.find(function (transform) {
          item.el.style.transform = transform;
          const box = item.el.getBoundingClientRect();
          if (taken.some(function (other) { return boxesTouch(box, other); })) { return false; }
          taken.push(box);
          return true;
        });
        if (free === undefined) { item.el.style.transform = ''; } else if (point) { spots.push([at.left, at.top]); }
        item.el.style.visibility = free === undefined ? 'hidden' : '';
        item.el.dataset.hzHidden = free === undefined ? '1' : '';
      });
  }
  function watchLabels(map) {
    let pending = null;
    function later() {
      if (pending) { return; }
      pending = window.requestAnimationFrame(function () { pending = null; declutter(map); });
    }
    map.on('zoomend moveend layeradd layerremove resize', later);  // a pan moves labels under the legend
  }
  // WGS 84 → GCJ-02, the same published transform as layers/geo/crs.py, so our data sits on
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
  // Built groups are kept by layer configuration, so switching a layer back on re-attaches it
  // instead of rebuilding it. View state stays out of the key: a search focus is read from
  // `view` when needed, and a filtered copy is built for the filter and never kept, so
  // searches and filters do not pile up groups.
  const built = {};
  function cacheKey(cfg) { return JSON.stringify(Object.assign({}, cfg, {focus: null})); }
  function layer(parent, cfg) {
    const key = cacheKey(cfg);
    if (built[key]) {
      parent.addLayer(built[key]);
      return built[key];
    }
    const group = L.featureGroup();
    group.hzKey = key;
    if (!cfg.include) { built[key] = group; }
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
      const focus = view.focus && view.focus.layer === cfg.id ? view.focus : null;
      if (!focus || !shownUrl || window.hzLastFocus === focus.token) { return; }
      window.hzLastFocus = focus.token;
      view.userMoved = true;  // flying to a search result is a deliberate move
      if (shapes.focus) { shapes.focus(focus.id, focus.zoom); return; }
      shapes.eachLayer(function (l) {
        if (l.hzId !== focus.id || !group._map) { return; }
        const map = group._map;
        if (focus.popup !== false) { map.once('moveend', function () { l.openPopup(); }); }
        if (focus.bounds) {  // several features (a project's): show them all
          map.fitBounds(focus.bounds, {animate: false, maxZoom: focus.zoom, padding: [40, 40]});
        } else if (l.getLatLng) { map.setView(l.getLatLng(), focus.zoom, {animate: false}); }
        else { map.fitBounds(l.getBounds(), {animate: false, maxZoom: focus.zoom}); }
      });
    }
    group.hzFocus = focusOn;
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
      else { syncLabels(); focusOn(); }
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
    return Object.assign({}, base, {include: view.include && view.include[id] ? view.include[id] : null});
  }
  function apply() {
    if (!view.map || !view.configs) { return; }
    const wanted = new Set(view.visible);
    Object.keys(view.shown).forEach(function (id) {
      const cfg = configFor(id);
      if (!wanted.has(id) || !cfg || view.shown[id].hzKey !== cacheKey(cfg)) {
        view.map.removeLayer(view.shown[id]);
        delete view.shown[id];
      }
    });
    view.configs.order.forEach(function (id) {
      const cfg = configFor(id);
      if (wanted.has(id) && cfg && !view.shown[id]) { view.shown[id] = layer(view.map, cfg); }
      else if (view.shown[id]) { view.shown[id].hzFocus(); }  // a new search result in a shown layer
    });
    drawLegend();
    drawBadges();
    wordTileNotice();
    prefetchLater();
  }
  // Features known only to their district (no sourced point): one badge per district with
  // their count, listing them when clicked; a feature naming no district goes to a city-wide
  // badge. Never a fake point.
  let badgeRound = 0;
  function drawBadges() {
    const round = ++badgeRound;
    const configs = view.configs;
    const layers = configs.order.map(function (id) { return configs.layers[id]; }).filter(function (cfg) {
      return view.shown[cfg.id] && cfg.district_field && cfg.unlocated_count;
    });
    Promise.all(layers.map(function (cfg) {
      return fetchOnce(cfg.url).then(function (data) {
        return data.features.filter(function (f) { return !f.geometry; }).map(function (f) { return {cfg: cfg, f: f}; });
      });
    })).then(function (lists) {
      if (round !== badgeRound || !view.map) { return; }
      if (view.badges) { view.map.removeLayer(view.badges); }
      view.badges = L.layerGroup().addTo(view.map);
      const items = [].concat.apply([], lists);
      if (!items.length) { return; }
      const places = configs.districts.map(function (d) { return {name: d.name, match: d.name_zh, at: d.anchor, items: []}; });
      // City-wide items have no place on the map: their badge is a button in the corner.
      const city = {name: configs.words.city_wide, match: null, at: null, items: []};
      items.forEach(function (item) {
        const value = String(item.f.properties[item.cfg.district_field] || '');
        const hits = places.filter(function (p) { return value.indexOf(p.match) >= 0; });
        (hits.length ? hits : [city]).forEach(function (p) { p.items.push(item); });
      });
      if (city.items.length) { view.badges.addLayer(cityBadge(city)); }
      places.forEach(function (place) {
        if (!place.items.length) { return; }
        const icon = L.divIcon({className: 'hz-badge-icon', iconSize: null,
                                html: '<span class="hz-badge"></span>'});
        const marker = L.marker(L.latLng(place.at[1], place.at[0]), {icon: icon, pane: 'markerPane', keyboard: true,
                                                                      title: place.name});
        marker.on('add', function () {
          const el = marker.getElement().querySelector('.hz-badge');
          const count = configs.words.unlocated_n.replace('{n}', place.items.length);
          el.textContent = count;
        });
        marker.bindPopup(function () { return badgeCard(place); }, {maxWidth: 380});
        view.badges.addLayer(marker);
      });
    }).catch(function (err) { console.error('unlocated badges: ' + err.message); });
  }
  function cityBadge(place) {
    const Badge = L.Control.extend({
      options: {position: 'topleft'},
      onAdd: function (map) {
        const el = L.DomUtil.create('a', 'hz-badge hz-badge-city');
        el.href = '#';
        el.setAttribute('role', 'button');
        el.textContent = place.name + ' · ' + view.configs.words.unlocated_n.replace('{n}', place.items.length);
        L.DomEvent.disableClickPropagation(el);
        L.DomEvent.on(el, 'click', function (e) {
          L.DomEvent.preventDefault(e);
          L.popup({maxWidth: 380}).setLatLng(map.getCenter()).setContent(badgeCard(place)).openOn(map);
        });
        return el;
      },
    });
    // A layer-like wrapper, so the badges group adds and removes it with the district badges.
    const control = new Badge();
    const Holder = L.Layer.extend({
      onAdd: function (map) { control.addTo(map); return this; },
      onRemove: function () { control.remove(); return this; },
    });
    return new Holder();
  }
  function badgeCard(place) {
    const words = view.configs.words;
    const box = document.createElement('div');
    box.className = 'hz-info hz-badge-card';
    const head = document.createElement('div');
    head.className = 'hz-title';
    head.textContent = words.unlocated_here.replace('{district}', place.name).replace('{n}', place.items.length);
    box.appendChild(head);
    const hint = document.createElement('div');
    hint.className = 'hz-hint';
    hint.textContent = words.unlocated_hint;
    box.appendChild(hint);
    place.items.forEach(function (item) {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = text(item.f.properties[item.cfg.title_field]) + ' · ' + item.cfg.title;
      details.appendChild(summary);
      details.addEventListener('toggle', function () {
        if (details.open && details.children.length === 1) { details.appendChild(table(item.f.properties, item.cfg, item.cfg.popup)); }
      }, {once: false});
      box.appendChild(details);
    });
    return box;
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
  // The view after a deliberate move (drag, wheel, keys, the zoom buttons, a search result)
  // goes into the page's address bar (a shareable link) and into sessionStorage, where the
  // Export page reads its extent: no Python rerun per pan (docs/decisions/0007).
  function watchView(map, channel) {
    if (view.watching === map) { return; }
    view.watching = map;
    const container = map.getContainer();
    ['pointerdown', 'keydown', 'touchstart'].forEach(function (type) {
      container.addEventListener(type, function () { view.userMoved = true; }, {capture: true, passive: true});
    });
    // No scroll trap: the wheel scrolls the page until the planner clicks into the map (or
    // holds Ctrl), as on familiar web maps; leaving the map gives the wheel back to the page.
    map.scrollWheelZoom.disable();
    container.addEventListener('pointerdown', function () { map.scrollWheelZoom.enable(); });
    container.addEventListener('mouseleave', function () { map.scrollWheelZoom.disable(); });
    container.addEventListener('wheel', function (e) {
      if (map.scrollWheelZoom.enabled()) { view.userMoved = true; return; }
      if (!e.ctrlKey) { return; }  // the page scrolls
      e.preventDefault();  // Ctrl + wheel zooms the map, not the browser page
      view.userMoved = true;
      map.setZoomAround(map.mouseEventToContainerPoint(e), map.getZoom() + (e.deltaY < 0 ? 1 : -1));
    }, {capture: true, passive: false});
    map.on('moveend', function () {
      if (!view.userMoved) { return; }
      const c = map.getCenter(), b = map.getBounds();
      view.reported = {center: [+c.lat.toFixed(5), +c.lng.toFixed(5)], zoom: map.getZoom(),
                       bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return +v.toFixed(5); })};
      writeView(channel);
    });
  }
  function writeView(channel) {
    const v = view.reported;
    if (!v) { return; }
    try {
      window.sessionStorage.setItem('hz-view:' + channel, JSON.stringify(v));
      const top = window.parent;
      const link = new URL(top.location.href);
      link.searchParams.set('center', v.center[0].toFixed(5) + ',' + v.center[1].toFixed(5));
      link.searchParams.set('zoom', String(v.zoom));
      if (link.href !== top.location.href) { top.history.replaceState(top.history.state, '', link.href); }
    } catch (err) { /* another origin or storage off: the link keeps the last view Python wrote */ }
  }
  // Rings around the features of a chosen project, until something else is chosen.
  function highlight(map, focus) {
    const token = focus && focus.highlight ? focus.token : null;
    if (view.highlightToken === token) { return; }
    view.highlightToken = token;
    if (view.highlighted) { map.removeLayer(view.highlighted); view.highlighted = null; }
    if (!token) { return; }
    view.highlighted = L.layerGroup(focus.highlight.map(function (at) {
      return L.circleMarker(L.latLng(at[0], at[1]), {radius: 16, color: '#e67e00', weight: 3, fill: false,
                                                      dashArray: '4 3', interactive: false, className: 'hz-highlight'});
    })).addTo(map);
  }
  // An online basemap that cannot load (offline, blocked intranet) says so on the map instead
  // of leaving the user before a blank background; our own layers still draw.
  function watchTiles(map) {
    if (view.tilesWatched === map) { return; }
    view.tilesWatched = map;
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) { return; }
      layer.once('tileerror', function () {
        const Notice = L.Control.extend({
          options: {position: 'topright'},
          onAdd: function () {
            view.tileNotice = L.DomUtil.create('div', 'hz-tile-notice');
            wordTileNotice();
            return view.tileNotice;
          },
        });
        new Notice().addTo(map);
      });
    });
  }
  function wordTileNotice() {  // in the page language, once the configuration has arrived
    if (!view.tileNotice) { return; }
    const words = view.configs && view.configs.words;
    view.tileNotice.style.display = words ? '' : 'none';
    if (words) { view.tileNotice.textContent = words.tiles_failed; }
  }
  // The page's stylesheet sizes this frame to the window (pages/layout.py); the map fills
  // the frame and follows it, instead of the fixed height it was created with.
  function fillFrame(map) {
    if (view.filled) { return; }
    view.filled = true;
    const el = map.getContainer();
    document.documentElement.style.height = document.body.style.height = '100%';
    document.body.style.margin = '0';
    el.style.height = '100vh';
    el.style.width = '100%';
    // Keep the centre (a shared link's view) when the frame changes size. Leaflet's own pan
    // rounds half the size to whole pixels, so an odd width drifts the centre a pixel per
    // resize; setting the remembered centre again keeps it exact.
    function refill() {
      if (!map._loaded) { return; }  // no view yet: nothing to keep
      const centre = map.getCenter(), zoom = map.getZoom();
      map.invalidateSize({animate: false, pan: false});
      map.setView(centre, zoom, {animate: false});
    }
    window.addEventListener('resize', refill);
    refill();
  }
  function sync(map, state) {
    view.map = map;
    if (!view.filled) { watchLabels(map); }
    fillFrame(map);
    watchTiles(map);
    watchView(map, state.channel);
    writeView(state.channel);  // a rerun may have rewritten the address bar: put the view back
    if (state.link) { view.linkName = state.link; linkViews(map, state.link); }
    if (state.channel && !view.channel && window.BroadcastChannel) {
      view.channel = new BroadcastChannel(state.channel);
      view.channel.onmessage = function (e) { if (e.data) { setVisible(e.data.visible, e.data.seq); } };
    }
    if (state.fit && view.fit === undefined) { view.fit = state.fit; }  // once per page load
    view.include = state.include || null;
    view.focus = state.focus || null;
    highlight(map, view.focus);
    if (state.seq > view.seq) { view.visible = state.visible.slice(); view.seq = state.seq; }
    const url = state.config_url;
    view.configUrl = url;
    return fetchOnce(url).then(function (configs) {
      if (url !== view.configUrl) { return; }  // a newer configuration (language switch) was asked for meanwhile
      view.configs = configs;
      relabel(map, configs.words);
      apply();
    }).catch(function (err) { console.error('map configuration failed: ' + err.message); });
  }
  // Maps that move together (the compare page, pages/compare.py). Each map has its own iframe
  // and runtime; a map that moves posts its view on a BroadcastChannel named per session, and
  // the others take it without posting it back. As with layer sets, the newest view wins
  // (time, then a random id), so maps that start or resize at the same moment still agree.
  function linkViews(map, name) {
    if (view.linked === map || !window.BroadcastChannel) { return; }
    view.linked = map;
    const channel = new BroadcastChannel(name);
    const me = Math.random();
    let last = {t: 0, from: 0};
    let following = false;
    function post() {
      if (following) { return; }
      const c = map.getCenter();
      last = {t: Math.max(Date.now(), last.t + 1), from: me};
      channel.postMessage({center: [c.lat, c.lng], zoom: map.getZoom(), t: last.t, from: me});
    }
    map.on('move zoomend', post);
    channel.onmessage = function (e) {
      const v = e.data;
      if (!v || !Array.isArray(v.center) || typeof v.zoom !== 'number' || typeof v.t !== 'number' ||
          !(v.t > last.t || (v.t === last.t && v.from > last.from))) { return; }
      last = {t: v.t, from: v.from};
      following = true;
      try { map.setView(v.center, v.zoom, {animate: false}); } finally { following = false; }
    };
    post();  // a map that joins shows the others its view: they all end on the newest
  }
  // A map opened without a view in its link shows all of Huzhou in the part the legend
  // leaves free (once, and never after the user has moved it).
  function fitBesideLegend(box) {
    if (!view.fit || view.userMoved || box.style.display === 'none') { return; }  // not drawn yet
    const fit = view.fit;
    view.fit = null;
    window.requestAnimationFrame(function () {  // once the legend has its laid-out width
      if (view.userMoved) { return; }
      const size = view.map.getSize();
      const legendWidth = view.legendFolded ? 0 : Math.min(box.offsetWidth + 10, size.x / 2);
      // Leaflet pads by corners: the right-hand side keeps clear of the legend.
      view.map.fitBounds(fit, {paddingTopLeft: [10, 10], paddingBottomRight: [legendWidth, 10], animate: false});
    });
  }
  // Legend drawn from the same configuration, so it follows a toggle at once.
  function drawLegend() {
    if (!view.legend) {
      const Legend = L.Control.extend({
        options: {position: 'topright'},  // over Taihu at city scale, not over 南浔
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
    const ids = view.configs.order.filter(function (id) {
      const cfg = view.configs.layers[id];
      return view.shown[id] && (cfg.legend.length || cfg.unlocated_count);
    });
    box.style.display = ids.length ? '' : 'none';
    // The title folds the legend away (it can cover the map on a small screen or a slide).
    const head = document.createElement('div');
    head.className = 'hz-legend-title';
    head.setAttribute('role', 'button');
    if (view.legendFolded === undefined) {  // on a small map the legend starts as a button,
      const size = view.map.getSize();    // except side by side, where reading it is the point
      view.legendFolded = !view.linkName && (size.y < 700 || size.x < 900);
    }
    head.textContent = (view.legendFolded ? '▸ ' : '▾ ') + view.configs.legend_title;
    head.addEventListener('click', function () {
      view.legendFolded = !view.legendFolded;
      drawLegend();
      declutter(view.map);  // the legend's box changed size
    });
    box.appendChild(head);
    if (view.legendFolded) { fitBesideLegend(box); return; }
    // Grouped as the layer panel is (base data, transport, industry, each plan), so a plan's
    // overlays read apart from the base data at a glance. One row per resolved symbol that is
    // drawn (the PNG legend lists the same entries), and a note where a layer has features
    // without a position yet.
    const wanted = new Set(ids);
    view.configs.groups.forEach(function (group) {
      const members = group.layers.filter(function (id) { return wanted.has(id); });
      if (!members.length) { return; }
      const heading = document.createElement('div');
      heading.className = 'hz-legend-group' + (group.bulk ? ' hz-legend-plan' : '');
      heading.textContent = group.title;
      box.appendChild(heading);
      members.forEach(legendRows);
    });
    fitBesideLegend(box);
    function legendRows(id) {
      const cfg = view.configs.layers[id];
      cfg.legend.forEach(function (entry) {
        const row = document.createElement('div');
        row.className = 'hz-legend-item';
        row.appendChild(window.hzSwatch(entry.geometry, entry.symbol));
        const name = document.createElement('span');
        name.textContent = entry.label;
        row.appendChild(name);
        box.appendChild(row);
      });
      if (cfg.unlocated_count) {
        const note = document.createElement('div');
        note.className = 'hz-legend-note';
        note.textContent = (cfg.legend.length ? '' : cfg.title + '：') +
          view.configs.words.unlocated_n.replace('{n}', cfg.unlocated_count);
        box.appendChild(note);
      }
    }
  }

  // Measure tool: click points, read the length (and the area once three points are set).
  // The measure tool and attribution line follow the page language (the base map itself is
  // built once, in Chinese, so a language switch does not remount it).
  function relabel(map, words) {
    if (view.measure) {
      Object.assign(view.measure.words, words);
      view.measure.button.textContent = words.short;
      view.measure.button.title = words.title;
      if (!view.measure.active()) { view.measure.out.textContent = words.hint; }
    }
    if (map.attributionControl && words.attribution !== view.attribution) {
      if (view.attribution) { map.attributionControl.removeAttribution(view.attribution); }
      map.attributionControl.addAttribution(words.attribution);
      view.attribution = words.attribution;
    }
  }
  function measureControl(map, words) {
    words = Object.assign({}, words);
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
        view.measure = {words: words, button: button, out: out, active: function () { return active; }};
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
    const control = new Control().addTo(map);
    if (view.configs) { relabel(map, view.configs.words); }  // the configuration came first
    return control;
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
               sync: sync, setVisible: setVisible, view: view,
               table: table, styleFor: styleFor, latLngOf: latLngOf};
})();
