// Part of the map runtime: which labels show where (collisions, by priority).
(function (m) {
  if (window.hz) { return; }  // the bundle ran before in this frame
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
  Object.assign(m, {declutter, watchLabels});
})(window.hzm = window.hzm || {});
