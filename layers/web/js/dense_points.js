// Dense point layers (thousands of features) drawn on one canvas in a few batched paths,
// instead of one Leaflet marker object per point: 50 000 points build in tens of ms instead
// of seconds. Hover and click find the nearest point through a screen-space grid.
// Needs runtime.js (window.hz) and Leaflet.
(function () {
  if (!window.hz || window.hz.DensePoints) { return; }
  const CELL = 16;  // px, hit-test grid cell
  window.hz.DensePoints = L.Layer.extend({
    initialize: function (cfg) {
      this._cfg = cfg;
      this._features = [];
    },
    clearLayers: function () { this._features = []; this._redraw(); },
    addData: function (data) {
      const cfg = this._cfg, include = cfg.include ? new Set(cfg.include) : null;
      this._features = data.features.filter(function (f) {
        return f.geometry && f.geometry.type === 'Point' && (!include || include.has(f.properties.id));
      }).map(function (f) {
        return {f: f, latlng: window.hz.latLngOf(cfg, f.geometry.coordinates),
                style: window.hz.styleFor(cfg, f.properties)};
      });
      this._projectedZoom = null;
      this._redraw();
    },
    onAdd: function (map) {
      this._canvas = L.DomUtil.create('canvas', 'hz-dense leaflet-zoom-hide');
      this._canvas.style.pointerEvents = 'none';
      map.getPane(this._cfg.pane).appendChild(this._canvas);
      map.on('moveend resize', this._redraw, this);
      // Capture phase on the container: points sit above the polygons they fall in, so they
      // answer first (a district's popup would otherwise swallow the click).
      this._onClick = this._click.bind(this);
      this._onMove = this._hover.bind(this);
      map.getContainer().addEventListener('click', this._onClick, true);
      map.getContainer().addEventListener('mousemove', this._onMove, true);
      this._redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off('moveend resize', this._redraw, this);
      map.getContainer().removeEventListener('click', this._onClick, true);
      map.getContainer().removeEventListener('mousemove', this._onMove, true);
      if (this._tip) { map.removeLayer(this._tip); this._tip = null; }
    },
    _redraw: function () {
      const map = this._map;
      if (!map) { return; }
      const size = map.getSize(), ratio = window.devicePixelRatio || 1, canvas = this._canvas;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x * ratio;
      canvas.height = size.y * ratio;
      canvas.style.width = size.x + 'px';
      canvas.style.height = size.y + 'px';
      const ctx = canvas.getContext('2d');
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      const zoom = map.getZoom();
      if (this._projectedZoom !== zoom) {  // project once per zoom level, not per pan
        this._features.forEach(function (p) { p.px = map.project(p.latlng, zoom); });
        this._projectedZoom = zoom;
      }
      const origin = map.getPixelOrigin().add(map._getMapPanePos().multiplyBy(-1));
      const batches = {};
      this._grid = {};
      this._features.forEach(function (p) {
        const x = p.px.x - origin.x, y = p.px.y - origin.y;
        if (x < -10 || y < -10 || x > size.x + 10 || y > size.y + 10) { p.screen = null; return; }
        p.screen = [x, y];
        const key = JSON.stringify(p.style);
        (batches[key] = batches[key] || {style: p.style, points: []}).points.push(p.screen);
        const cell = Math.floor(x / CELL) + ':' + Math.floor(y / CELL);
        (this._grid[cell] = this._grid[cell] || []).push(p);
      }, this);
      Object.keys(batches).forEach(function (key) {
        const b = batches[key], r = b.style.radius || 3;
        ctx.beginPath();
        b.points.forEach(function (pt) { ctx.moveTo(pt[0] + r, pt[1]); ctx.arc(pt[0], pt[1], r, 0, 2 * Math.PI); });
        ctx.globalAlpha = b.style.fillOpacity === undefined ? 0.6 : b.style.fillOpacity;
        ctx.fillStyle = b.style.fillColor || b.style.color || '#333';
        ctx.fill();
        ctx.globalAlpha = b.style.opacity === undefined ? 1 : b.style.opacity;
        ctx.lineWidth = b.style.weight === undefined ? 1 : b.style.weight;
        ctx.strokeStyle = b.style.color || '#333';
        ctx.stroke();
      });
    },
    _nearest: function (containerPoint) {
      let best = null, bestD = Infinity;
      const cx = Math.floor(containerPoint.x / CELL), cy = Math.floor(containerPoint.y / CELL);
      for (let i = -1; i <= 1; i++) {
        for (let j = -1; j <= 1; j++) {
          (this._grid[(cx + i) + ':' + (cy + j)] || []).forEach(function (p) {
            const d = Math.hypot(p.screen[0] - containerPoint.x, p.screen[1] - containerPoint.y);
            if (d < bestD) { bestD = d; best = p; }
          });
        }
      }
      return best && bestD <= (best.style.radius || 3) + 4 ? best : null;
    },
    _hit: function (e) {
      if (!this._grid || this._map.hzMeasuring) { return null; }
      if (e.target.closest && e.target.closest('.leaflet-control, .leaflet-popup')) { return null; }
      return this._nearest(this._map.mouseEventToContainerPoint(e));
    },
    _hover: function (e) {
      const hit = this._hit(e);
      this._map.getContainer().style.cursor = hit ? 'pointer' : '';
      if (!hit) {
        if (this._tip) { this._map.removeLayer(this._tip); this._tip = null; }
        return;
      }
      if (!this._tip) { this._tip = L.tooltip({direction: 'top', offset: [0, -6]}); }
      this._tip.setLatLng(hit.latlng).setContent(window.hz.table(hit.f.properties, this._cfg, this._cfg.tooltip));
      if (!this._map.hasLayer(this._tip)) { this._tip.addTo(this._map); }
    },
    _click: function (e) {
      const hit = this._hit(e);
      if (hit) {
        e.stopPropagation();
        this.openPopupFor(hit);
      }
    },
    openPopupFor: function (p) {
      L.popup({maxWidth: 360}).setLatLng(p.latlng)
        .setContent(window.hz.table(p.f.properties, this._cfg, this._cfg.popup)).openOn(this._map);
    },
    // A search result: fly to the point and open its popup.
    focus: function (id, zoom) {
      const p = this._features.find(function (q) { return q.f.properties.id === id; });
      if (!p || !this._map) { return; }
      this._map.setView(p.latlng, zoom, {animate: false});
      this.openPopupFor(p);
    },
  });
})();
