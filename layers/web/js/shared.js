// What the map runtime (runtime.js) and the layer panel both need; the panel loads only this
// file: a legend swatch for a resolved symbol (layers/model/styles.py, Leaflet options), and JSON
// fetched once per URL (published files have content-hashed names, so they never change).
(function () {
  if (window.hzSwatch) { return; }
  const fetched = {};
  window.hzFetchJson = function (url) {
    if (!fetched[url]) {
      fetched[url] = fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(url + ': HTTP ' + r.status); }
        return r.json();
      });
    }
    return fetched[url];
  };
  window.hzSwatch = function (geometry, style) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', '24');
    svg.setAttribute('height', '16');
    let shape;
    if (geometry === 'Point') {
      shape = document.createElementNS(ns, 'circle');
      shape.setAttribute('cx', '12'); shape.setAttribute('cy', '8'); shape.setAttribute('r', '5');
    } else if (geometry === 'LineString') {
      shape = document.createElementNS(ns, 'line');
      shape.setAttribute('x1', '1'); shape.setAttribute('y1', '8'); shape.setAttribute('x2', '23'); shape.setAttribute('y2', '8');
    } else {
      shape = document.createElementNS(ns, 'rect');
      shape.setAttribute('x', '2'); shape.setAttribute('y', '2'); shape.setAttribute('width', '20'); shape.setAttribute('height', '12');
    }
    if (geometry !== 'LineString') {  // hollow symbols (fill: false) stay hollow, as on the map
      shape.setAttribute('fill', style.fill === false ? 'none' : (style.fillColor || '#fff'));
      shape.setAttribute('fill-opacity', String(style.fillOpacity === undefined ? 0.4 : style.fillOpacity));
    }
    if (style.dashArray) { shape.setAttribute('stroke-dasharray', style.dashArray); }
    shape.setAttribute('stroke', style.color || '#333');
    shape.setAttribute('stroke-width', String(geometry === 'LineString' ? (style.weight || 2) : 1.5));
    svg.appendChild(shape);
    return svg;
  };
})();
