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
    fields.forEach(function (pair) {
      const value = text(props[pair[0]]);
      if (!value) { return; }
      const row = tbl.insertRow();
      const th = document.createElement('th');
      th.textContent = pair[1];
      row.appendChild(th);
      const shown = cfg.value_labels && cfg.value_labels[pair[0]] && cfg.value_labels[pair[0]][value];
      row.insertCell().textContent = shown || value;
    });
    box.appendChild(tbl);
    return box;
  }
  function label(props, cfg, latlng) {
    const el = document.createElement('span');
    el.className = 'hz-label hz-label-' + cfg.geometry.toLowerCase();
    el.textContent = text(props[cfg.label_field]);
    return L.marker(latlng, {
      pane: cfg.label_pane, interactive: false, keyboard: false,
      icon: L.divIcon({className: 'hz-label-icon', html: el, iconSize: null}),
    });
  }
  function layer(parent, cfg) {
    const group = L.featureGroup();
    const shapes = L.geoJSON(null, {
      pane: cfg.pane,
      style: function (f) { return styleFor(cfg, f.properties); },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, Object.assign({pane: cfg.pane}, styleFor(cfg, f.properties)));
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(function () { return table(f.properties, cfg, cfg.tooltip); }, {sticky: true});
        l.bindPopup(function () { return table(f.properties, cfg, cfg.popup); }, {maxWidth: 360});
        l.hzId = f.properties.id;
      },
    });
    group.addLayer(shapes);
    group.hzConfig = cfg;
    // Point labels crowd at city scale: show them only from label_min_zoom on.
    const labels = L.layerGroup();
    function syncLabels() {
      const map = group._map;
      if (!map) { return; }
      const show = !cfg.label_min_zoom || map.getZoom() >= cfg.label_min_zoom;
      if (show && !group.hasLayer(labels)) { group.addLayer(labels); }
      if (!show && group.hasLayer(labels)) { group.removeLayer(labels); }
    }
    group.on('add', function () { group.hzMap = group._map; group.hzMap.on('zoomend', syncLabels); syncLabels(); });
    group.on('remove', function () { if (group.hzMap) { group.hzMap.off('zoomend', syncLabels); } });
    group.hzReady = fetchOnce(cfg.url).then(function (data) {
      shapes.addData(data);
      if (cfg.label_field) {
        data.features.forEach(function (f) {
          if (!f.geometry) { return; }  // unlocated: listed in search and tables, not drawn
          const at = f.properties.__label || (f.geometry.type === 'Point' ? f.geometry.coordinates : null);
          if (at) { labels.addLayer(label(f.properties, cfg, L.latLng(at[1], at[0]))); }
        });
        syncLabels();
      }
      const el = document.getElementById('map_div') || document.body;
      el.dataset['hzLoaded_' + cfg.id] = String(data.features.length);
      return group;
    }).catch(function (err) { console.error('layer ' + cfg.id + ' failed: ' + err.message); });
    parent.addLayer(group);
    return group;
  }
  window.hz = {layer: layer, fetchOnce: fetchOnce};
})();
