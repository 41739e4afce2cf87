// Browser side of the map: fetch each layer's data once, draw it with the catalogue
// style, and build tooltips/popups with textContent so GeoJSON text is never HTML.
// Kept on `window` of the map iframe, which survives Streamlit reruns, so a toggle
// re-adds a layer from memory instead of downloading it again. This file ties the parts
// in map/ (each one concern, loaded before it in one bundle: layers/web/webmap.py) together.
(function (m) {
  if (window.hz) { return; }
  const {view, fetchOnce, layer, cacheKey, drawLegend, drawBadges, watchLabels, watchView, writeView,
         linkViews, highlight, relabel, measureControl, table, styleFor, latLngOf, toGcj} = m;
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
    view.onView = typeof state.on_view === 'function' ? state.on_view : null;
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
  window.hz = {layer: layer, fetchOnce: fetchOnce, measureControl: measureControl, toGcj: toGcj,
               sync: sync, setVisible: setVisible, view: view,
               table: table, styleFor: styleFor, latLngOf: latLngOf};
})(window.hzm);
