// Part of the map runtime: the view in the address bar, project rings, maps that
// move together.
(function (m) {
  if (window.hz) { return; }  // the bundle ran before in this frame
  const {view} = m;
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
    if (view.onView) { view.onView(v); return; }  // the static site keeps its link itself (#hash)
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
  Object.assign(m, {watchView, writeView, highlight, linkViews});
})(window.hzm = window.hzm || {});
