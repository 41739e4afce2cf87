// Part of the map runtime: the legend, and the first fit beside it.
(function (m) {
  if (window.hz) { return; }  // the bundle ran before in this frame
  const {view, declutter} = m;
  // A map opened without a view in its link shows all of Huzhou in the part the legend
  // leaves free (once, and never after the user has moved it).
  function fitBesideLegend(box) {
    if (!view.fit || view.userMoved || box.style.display === 'none') { return; }  // not drawn yet
    const fit = view.fit;
    view.fit = null;
    window.requestAnimationFrame(function () {  // once the legend has its laid-out width
      if (view.userMoved) { return; }
      const size = view.map.getSize();
      const legendWidth = view.legendFolded ? 0 : Math.min(box.offsetWidth + 10, size.x / 2);
      // Leaflet pads by corners: the right-hand side keeps clear of the legend.
      view.map.fitBounds(fit, {paddingTopLeft: [10, 10], paddingBottomRight: [legendWidth, 10], animate: false});
    });
  }
  // Legend drawn from the same configuration, so it follows a toggle at once.
  function drawLegend() {
    if (!view.legend) {
      const Legend = L.Control.extend({
        options: {position: 'topright'},  // over Taihu at city scale, not over 南浔
        onAdd: function () {
          const box = L.DomUtil.create('div', 'hz-legend');
          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          return box;
        },
      });
      view.legend = new Legend().addTo(view.map);
    }
    const box = view.legend.getContainer();
    box.replaceChildren();
    const ids = view.configs.order.filter(function (id) {
      const cfg = view.configs.layers[id];
      return view.shown[id] && (cfg.legend.length || cfg.unlocated_count);
    });
    box.style.display = ids.length ? '' : 'none';
    // The title folds the legend away (it can cover the map on a small screen or a slide).
    const head = document.createElement('div');
    head.className = 'hz-legend-title';
    head.setAttribute('role', 'button');
    if (view.legendFolded === undefined) {  // on a small map the legend starts as a button,
      const size = view.map.getSize();    // except side by side, where reading it is the point
      view.legendFolded = !view.linkName && (size.y < 700 || size.x < 900);
    }
    head.textContent = (view.legendFolded ? '▸ ' : '▾ ') + view.configs.legend_title;
    head.addEventListener('click', function () {
      view.legendFolded = !view.legendFolded;
      drawLegend();
      declutter(view.map);  // the legend's box changed size
    });
    box.appendChild(head);
    if (view.legendFolded) { fitBesideLegend(box); return; }
    // Grouped as the layer panel is (base data, transport, industry, each plan), so a plan's
    // overlays read apart from the base data at a glance. One row per resolved symbol that is
    // drawn (the PNG legend lists the same entries), and a note where a layer has features
    // without a position yet.
    const wanted = new Set(ids);
    view.configs.groups.forEach(function (group) {
      const members = group.layers.filter(function (id) { return wanted.has(id); });
      if (!members.length) { return; }
      const heading = document.createElement('div');
      heading.className = 'hz-legend-group' + (group.bulk ? ' hz-legend-plan' : '');
      heading.textContent = group.title;
      box.appendChild(heading);
      members.forEach(legendRows);
    });
    fitBesideLegend(box);
    function legendRows(id) {
      const cfg = view.configs.layers[id];
      cfg.legend.forEach(function (entry) {
        const row = document.createElement('div');
        row.className = 'hz-legend-item';
        row.appendChild(window.hzSwatch(entry.geometry, entry.symbol));
        const name = document.createElement('span');
        name.textContent = entry.label;
        row.appendChild(name);
        box.appendChild(row);
      });
      if (cfg.unlocated_count) {
        const note = document.createElement('div');
        note.className = 'hz-legend-note';
        note.textContent = (cfg.legend.length ? '' : cfg.title + '：') +
          view.configs.words.unlocated_n.replace('{n}', cfg.unlocated_count);
        box.appendChild(note);
      }
    }
  }
  Object.assign(m, {drawLegend});
})(window.hzm = window.hzm || {});
