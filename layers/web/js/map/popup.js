// Part of the map runtime: tooltips, popups and labels, built with textContent so
// GeoJSON text is never HTML.
(function (m) {
  if (window.hz) { return; }  // the bundle ran before in this frame
  // Symbols are resolved in Python (layers/model/styles.py); each feature carries its index.
  function styleFor(cfg, props) {
    return cfg.symbols[props.__sym] || cfg.symbols[0];
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
    function row(heading) {  // a labelled row; returns its value cell
      const tr = tbl.insertRow();
      const th = document.createElement('th');
      th.textContent = heading;
      tr.appendChild(th);
      return tr.insertCell();
    }
    fields.forEach(function (pair) {
      const raw = props[pair[0]];
      if (raw === null || raw === undefined || raw === '' || (Array.isArray(raw) && !raw.length)) { return; }
      const labels = (cfg.value_labels && cfg.value_labels[pair[0]]) || {};
      const shown = (Array.isArray(raw) ? raw : [raw]).map(function (v) { return labels[String(v)] || text(v); });
      row(pair[1]).textContent = shown.join('、');
    });
    // Popups also name what points at this feature (e.g. the major projects concerning a park).
    const back = fields === cfg.popup && cfg.referenced_by && cfg.referenced_by[props.id];
    if (back) {
      const cell = row(cfg.referenced_by_title);
      back.forEach(function (line) {
        const item = document.createElement('div');
        item.textContent = line;
        cell.appendChild(item);
      });
    }
    box.appendChild(tbl);
    return box;
  }
  function label(props, cfg, latlng) {
    const el = document.createElement('span');
    el.className = 'hz-label hz-label-' + (cfg.label_position === 'below' ? 'below' : cfg.geometry.toLowerCase());
    el.textContent = text(props[cfg.label_field]);
    el.dataset.priority = String(cfg.label_priority || 0);
    return L.marker(latlng, {
      pane: cfg.label_pane, interactive: false, keyboard: false,
      icon: L.divIcon({className: 'hz-label-icon', html: el, iconSize: null}),
    });
  }
  Object.assign(m, {styleFor, text, table, label});
})(window.hzm = window.hzm || {});
