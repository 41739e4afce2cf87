// A small Streamlit component (component protocol v1, no build step): edit a layer's geometry
// with Leaflet.draw — move vertices, drag points, draw new features, delete — and hand the
// edited FeatureCollection back to Python. Leaflet is served by the app (/app/static/vendor).
(function () {
  'use strict';
  let ready = false, map = null, group = null, lastKey = null, dirty = false, newCount = 0;

  function send(type, extra) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, extra || {}), '*');
  }
  function loadCss(href) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    document.head.appendChild(link);
  }
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error('cannot load ' + src)); };
      document.head.appendChild(s);
    });
  }
  function markDirty(words) {
    dirty = true;
    document.getElementById('state').textContent = words.unsaved;
  }
  function build(args) {
    const words = args.words;
    document.getElementById('apply').textContent = words.apply;
    document.getElementById('state').textContent = '';
    dirty = false;
    if (!map) {
      map = L.map('map', {zoomControl: true});
      group = L.featureGroup().addTo(map);
      map.on(L.Draw.Event.CREATED, function (e) {
        newCount += 1;
        e.layer.feature = {type: 'Feature', properties: {id: args.new_id_prefix + Date.now() + '_' + newCount}};
        group.addLayer(e.layer);
        markDirty(args.words);
      });
      map.on(L.Draw.Event.EDITED, function () { markDirty(args.words); });
      map.on(L.Draw.Event.DELETED, function () { markDirty(args.words); });
      const draw = {polyline: false, polygon: false, rectangle: false, circle: false, marker: false, circlemarker: false};
      if (args.geometry === 'Point') { draw.marker = true; }
      if (args.geometry === 'LineString') { draw.polyline = true; }
      if (args.geometry === 'Polygon') { draw.polygon = true; }
      map.addControl(new L.Control.Draw({draw: draw, edit: {featureGroup: group, remove: true}}));
      document.getElementById('apply').addEventListener('click', function () {
        const out = group.toGeoJSON();
        send('streamlit:setComponentValue', {value: {token: Date.now(), collection: out}, dataType: 'json'});
        dirty = false;
        document.getElementById('state').textContent = args.words.applied;
      });
    }
    group.clearLayers();
    L.geoJSON(args.collection, {
      pointToLayer: function (f, latlng) { return L.marker(latlng); },
      onEachFeature: function (f, layer) {
        // geoJSON() wraps multi-part features; keep each editable leaf with its feature.
        layer.feature = f;
        layer.bindTooltip(function () {
          const el = document.createElement('span');
          el.textContent = String(f.properties.name_zh || f.properties.id);
          return el;
        });
        group.addLayer(layer);
      },
    });
    if (group.getLayers().length) { map.fitBounds(group.getBounds(), {maxZoom: 13}); }
    else { map.setView([30.78, 119.86], 9); }
  }
  window.addEventListener('message', function (event) {
    const data = event.data || {};
    if (data.type !== 'streamlit:render') { return; }
    const args = data.args;
    const start = ready ? Promise.resolve() : (function () {
      loadCss(args.assets.leaflet_css);
      loadCss(args.assets.draw_css);
      return loadScript(args.assets.leaflet_js).then(function () { return loadScript(args.assets.draw_js); });
    })();
    start.then(function () {
      ready = true;
      // Rebuild only when Python sends a different working copy, never under the user's hands.
      if (args.version !== lastKey || !dirty) {
        lastKey = args.version;
        build(args);
      }
      send('streamlit:setFrameHeight', {height: 570});
    }).catch(function (err) { console.error(err.message); });
  });
  send('streamlit:componentReady', {apiVersion: 1});
})();
