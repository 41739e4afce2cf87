// Part of the map runtime: one layer drawn from its published file, kept for re-use.
(function (m) {
  if (window.hz) { return; }  // the bundle ran before in this frame
  const {view, fetchOnce, styleFor, table, label, latLngOf} = m;
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
        l.bindPopup(function () { return table(f.properties, cfg, cfg.popup); }, {maxWidth: 360, maxHeight: 360});
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
  Object.assign(m, {layer, cacheKey});
})(window.hzm = window.hzm || {});
