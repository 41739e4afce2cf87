// Part of the map runtime: the measure tool and the language of map controls.
(function (m) {
  if (window.hz) { return; }  // the bundle ran before in this frame
  const {view} = m;
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
  Object.assign(m, {relabel, measureControl, sphericalArea});
})(window.hzm = window.hzm || {});
