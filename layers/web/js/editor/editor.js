// A small Streamlit component (component protocol v1, no build step): edit a layer's geometry
// with Leaflet.draw — move vertices, drag points, draw new features, delete, place a feature
// that has no position yet — and hand the edited FeatureCollection back to Python. The
// district boundaries, Taihu and neighbouring counties are drawn underneath with their names
// (the offline basemap), and the toolbar speaks the UI language. Leaflet is served by the app.
(function () {
  'use strict';
  let ready = false, map = null, group = null, lastKey = null, dirty = false, newCount = 0;
  let current = null;  // the latest render arguments (place mode reads them at click time)
  const contextDrawn = {};

  // Leaflet.draw's words, replaced leaf by leaf with the ones Python sends (i18n "editor_draw").
  function localise(target, words) {
    Object.keys(words || {}).forEach(function (key) {
      if (words[key] && typeof words[key] === 'object') { localise(target[key] = target[key] || {}, words[key]); }
      else { target[key] = words[key]; }
    });
  }
  function drawContext(layers) {
    (layers || []).forEach(function (ctx) {
      if (contextDrawn[ctx.url]) { return; }
      contextDrawn[ctx.url] = true;
      fetch(ctx.url).then(function (r) { return r.json(); }).then(function (data) {
        L.geoJSON(data, {
          pane: 'context', interactive: false,
          // Reference points (other layers' stations, ports) as small dots, never as the
          // draggable markers of the layer being edited.
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, Object.assign({radius: 4, fillOpacity: 0.8}, ctx.style, {pane: 'context'}));
          },
          style: function () { return Object.assign({}, ctx.style, {interactive: false}); },
          filter: function (f) { return !!f.geometry; },
          onEachFeature: function (f, layer) {
            const name = ctx.label_field && f.properties[ctx.label_field];
            if (name) {
              const point = f.geometry.type === 'Point';
              layer.bindTooltip(String(name), {permanent: true, direction: point ? 'right' : 'center',
                                               className: 'ctx-label', pane: 'context-labels'});
            }
          },
        }).addTo(map);
      }).catch(function (err) { console.error('context layer: ' + err.message); });
    });
  }
  function placeAt(latlng) {
    const id = current && current.place_id;
    if (!id || current.geometry !== 'Point') { return; }
    group.eachLayer(function (layer) { if (layer.feature && layer.feature.properties.id === id) { group.removeLayer(layer); } });
    const marker = L.marker(latlng);
    marker.feature = {type: 'Feature', properties: {id: id}};
    group.addLayer(marker);
    markDirty(current.words);
    document.getElementById('state').textContent = current.words.placed.replace('{id}', id);
  }

  function send(type, extra) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, extra || {}), '*');
  }
  function loadCss(href) {
    return new Promise(function (resolve, reject) {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      link.onload = resolve;
      link.onerror = function () { reject(new Error('cannot load ' + href)); };
      document.head.appendChild(link);
    });
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
    current = args;
    document.getElementById('hint').textContent = args.place_id ? args.words.place_hint.replace('{id}', args.place_id) : '';
    if (!map) {
      localise(L.drawLocal, args.draw_words);
      map = L.map('map', {zoomControl: true});
      window.hzEditorMap = map;  // for browser tests: where a lon/lat is on screen
      // A metric scale, and how far a dragged point has gone, before anything is applied.
      L.control.scale({imperial: false, position: 'bottomleft'}).addTo(map);
      map.on('draw:editmove', function (e) {
        const f = e.layer && e.layer.feature;
        if (!f || !f.geometry || f.geometry.type !== 'Point' || !e.layer.getLatLng) { return; }
        const from = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
        const metres = map.distance(from, e.layer.getLatLng());
        const shown = metres >= 1000 ? (metres / 1000).toFixed(2) + ' km' : Math.round(metres) + ' m';
        document.getElementById('state').textContent = current.words.moved.replace('{d}', shown);
      });
      map.createPane('context').style.zIndex = 350;
      map.createPane('context-labels').style.zIndex = 360;
      drawContext(args.context);
      group = L.featureGroup().addTo(map);
      map.on('click', function (e) { placeAt(e.latlng); });
      map.on(L.Draw.Event.CREATED, function (e) {
        newCount += 1;
        // Drawing while a feature without position is chosen gives that feature its shape.
        const id = current.place_id || (current.new_id_prefix + Date.now() + '_' + newCount);
        group.eachLayer(function (layer) { if (layer.feature && layer.feature.properties.id === id) { group.removeLayer(layer); } });
        e.layer.feature = {type: 'Feature', properties: {id: id}};
        group.addLayer(e.layer);
        markDirty(current.words);
      });
      map.on(L.Draw.Event.EDITED, function () { markDirty(current.words); });
      map.on(L.Draw.Event.DELETED, function () { markDirty(current.words); });
      const draw = {polyline: false, polygon: false, rectangle: false, circle: false, marker: false, circlemarker: false};
      if (args.geometry === 'Point') { draw.marker = true; }
      if (args.geometry === 'LineString') { draw.polyline = true; }
      if (args.geometry === 'Polygon') { draw.polygon = true; }
      map.addControl(new L.Control.Draw({draw: draw, edit: {featureGroup: group, remove: true}}));
      document.getElementById('apply').addEventListener('click', function () {
        const out = group.toGeoJSON();
        send('streamlit:setComponentValue', {value: {token: Date.now(), collection: out}, dataType: 'json'});
        dirty = false;
        document.getElementById('state').textContent = current.words.applied;
      });
    }
    group.clearLayers();
    L.geoJSON(args.collection, {
      pointToLayer: function (f, latlng) { return L.marker(latlng); },
      onEachFeature: function (f, layer) {
        // geoJSON() wraps multi-part features; keep each editable leaf with its feature.
        layer.feature = f;
        // Pins carry their names, so a station is told from its neighbours before it is moved.
        const point = f.geometry && f.geometry.type === 'Point';
        layer.bindTooltip(function () {
          const el = document.createElement('span');
          el.textContent = String(f.properties.name_zh || f.properties.id);
          return el;
        }, point ? {permanent: true, direction: 'right', offset: [10, -18]} : {});
        group.addLayer(layer);
      },
    });
    fitView();
  }
  // Fit the layer (or Huzhou) once the map has a size: in a hidden Streamlit tab the frame is
  // 0 px wide and Leaflet would settle on world zoom; the fit waits until the tab is shown.
  let fitPending = false;
  function fitView() {
    // The container's own width: map.getSize() would cache the hidden 0 until a view is set.
    if (!document.getElementById('map').clientWidth) { fitPending = true; return; }
    fitPending = false;
    if (group.getLayers().length) { map.fitBounds(group.getBounds(), {maxZoom: 13}); }
    else { map.setView([30.78, 119.86], 9); }
  }
  // Until the user has touched the map, a resize (tab shown, frame grown) refits the view.
  let touched = false;
  ['mousedown', 'wheel', 'touchstart', 'keydown'].forEach(function (type) {
    document.getElementById('map').addEventListener(type, function () { touched = true; }, {passive: true});
  });
  new ResizeObserver(function () {
    if (!map) { return; }
    if (fitPending || !touched) { map.invalidateSize(); fitView(); } else { map.invalidateSize(); }
  }).observe(document.getElementById('map'));
  window.addEventListener('message', function (event) {
    const data = event.data || {};
    if (data.type !== 'streamlit:render') { return; }
    const args = data.args;
    const start = ready ? Promise.resolve() : (function () {
      // Markers are built only after the stylesheets: Leaflet finds its marker images through
      // leaflet.css, and on a slow load it would otherwise ask for them beside this page (404).
      const styles = Promise.all([loadCss(args.assets.leaflet_css), loadCss(args.assets.draw_css)]);
      return loadScript(args.assets.leaflet_js).then(function () {
        L.Icon.Default.imagePath = args.assets.leaflet_css.replace(/[^/]*$/, '') + 'images/';
        return loadScript(args.assets.draw_js);
      }).then(function () { return styles; });
    })();
    start.then(function () {
      ready = true;
      // Rebuild (and refit the view) only when Python sends a different working copy, never
      // under the user's hands; other reruns only update the words and the place mode.
      if (args.version !== lastKey) {
        lastKey = args.version;
        build(args);
      } else {
        current = args;
        document.getElementById('hint').textContent = args.place_id ? args.words.place_hint.replace('{id}', args.place_id) : '';
      }
      send('streamlit:setFrameHeight', {height: 570});
    }).catch(function (err) { console.error(err.message); });
  });
  send('streamlit:componentReady', {apiVersion: 1});
})();
