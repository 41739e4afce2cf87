// The published static map's page (layers/web/site.py). It builds the Leaflet map that the
// app's own runtime (window.hz, the same bundle) draws on, and in the sidebar what the app
// renders with Streamlit: language switch, search, layer panel with one-click plans, project
// table. The link is the address bar's hash (#lang=en&layers=a,b&center=lat,lon&zoom=z), so
// any static host serves a share link without knowing about it.
(function () {
  'use strict';
  const boot = JSON.parse(document.getElementById('hz-site').textContent);
  const hz = window.hz;
  const state = {lang: boot.default_lang, visible: boot.defaults.slice(), seq: 1, token: 0,
                 focus: null, config: null, page: null, index: [], view: null};
  const $ = function (id) { return document.getElementById(id); };
  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function readHash() {
    const p = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    const out = {};
    if (boot.langs.indexOf(p.get('lang')) >= 0) { out.lang = p.get('lang'); }
    if (p.has('layers')) { out.layers = p.get('layers').split(',').filter(Boolean); }
    const c = (p.get('center') || '').split(',').map(Number), z = Number(p.get('zoom'));
    if (c.length === 2 && c.every(isFinite) && Math.abs(c[0]) <= 90 && Math.abs(c[1]) <= 180 &&
        Number.isInteger(z) && z >= 0 && z <= 19) { out.center = c; out.zoom = z; }
    return out;
  }
  function writeHash() {
    const p = new URLSearchParams();
    p.set('lang', state.lang);
    p.set('layers', state.visible.join(','));
    if (state.view) {
      p.set('center', state.view.center[0].toFixed(5) + ',' + state.view.center[1].toFixed(5));
      p.set('zoom', String(state.view.zoom));
    }
    const hash = '#' + p.toString().replace(/%2C/g, ',');
    if (hash !== window.location.hash) { window.history.replaceState(null, '', hash); }
  }

  const linked = readHash();
  if (linked.lang) { state.lang = linked.lang; }
  const map = L.map('map', {zoomControl: true});
  boot.panes.forEach(function (pane) { map.createPane(pane[0]).style.zIndex = pane[1]; });
  L.control.scale({imperial: false}).addTo(map);
  if (linked.center) {
    map.setView(linked.center, linked.zoom);
    state.view = {center: linked.center, zoom: linked.zoom};
  } else { map.fitBounds(boot.bounds); }

  function syncMap() {
    return hz.sync(map, {config_url: boot.configs[state.lang], visible: state.visible, seq: state.seq,
                         channel: null, include: null, focus: state.focus, link: null,
                         fit: linked.center ? null : boot.bounds,
                         on_view: function (v) { state.view = v; writeHash(); }});
  }
  function decide(visible) {
    state.visible = visible;
    state.seq += 1;
    hz.setVisible(state.visible, state.seq);
    writeHash();
  }
  // A search result or a project row: its layers on, then fly there and open its popup.
  function focusOn(focus, layers) {
    const missing = layers.filter(function (id) { return state.visible.indexOf(id) < 0; });
    if (missing.length) { state.visible = state.visible.concat(missing); state.seq += 1; }
    state.focus = Object.assign({}, focus, {token: 'site-' + (++state.token)});
    syncMap();
    checkBoxes();
    writeHash();
  }

  let boxes = {};
  function buildPanel() {
    const root = $('panel'), config = state.config, words = state.page.words;
    root.replaceChildren(el('h2', words.layers));
    boxes = {};
    config.groups.forEach(function (group) {
      root.appendChild(el('h3', group.title));
      if (group.bulk) {  // a whole plan framework on or off in one click
        const bar = el('div', undefined, 'bulk');
        [[words.show_all, true], [words.hide_all, false]].forEach(function (pair) {
          const button = el('button', pair[0]);
          button.type = 'button';
          button.addEventListener('click', function () {
            const on = new Set(state.visible);
            group.layers.forEach(function (id) { if (pair[1]) { on.add(id); } else { on.delete(id); } });
            decide(config.order.filter(function (id) { return on.has(id); }));
            checkBoxes();
          });
          bar.appendChild(button);
        });
        root.appendChild(bar);
      }
      group.layers.forEach(function (id) {
        const l = config.layers[id];
        const row = el('label');
        row.title = l.description || '';
        const box = el('input');
        box.type = 'checkbox';
        box.addEventListener('change', function () {
          decide(config.order.filter(function (other) { return boxes[other] && boxes[other].checked; }));
        });
        boxes[id] = box;
        row.append(box, window.hzSwatch(l.geometry, (l.legend[0] || {}).symbol || l.symbols[0]), el('span', l.title));
        if (l.unlocated_count) { row.appendChild(el('small', config.words.unlocated_n.replace('{n}', l.unlocated_count))); }
        root.appendChild(row);
      });
    });
    checkBoxes();
  }
  function checkBoxes() {
    const on = new Set(state.visible);
    Object.keys(boxes).forEach(function (id) { boxes[id].checked = on.has(id); });
  }

  // Search: the app's rule (exact name, then prefix, then substring; located first).
  function matches(query) {
    const needle = query.trim().toLowerCase();
    if (!needle) { return []; }
    const scored = [];
    state.index.forEach(function (item, order) {
      const names = [item.zh.toLowerCase(), item.en.toLowerCase()];
      if (!names.some(function (n) { return n.indexOf(needle) >= 0; })) { return; }
      const rank = names.indexOf(needle) >= 0 ? 0 : names.some(function (n) { return n.startsWith(needle); }) ? 1 : 2;
      scored.push([rank, item.center ? 0 : 1, item.zh.length, order, item]);
    });
    scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]; });
    return scored.slice(0, 20).map(function (s) { return s[4]; });
  }
  function showResults() {
    const box = $('results'), words = state.page.words, query = $('search').value;
    box.replaceChildren();
    if (!query.trim()) { return; }
    const found = matches(query);
    box.appendChild(el('div', found.length ? words.results_n.replace('{n}', found.length) : words.no_results, 'hint'));
    found.forEach(function (item) {
      const layer = state.config.layers[item.layer];
      const name = (state.lang === 'en' && item.en) || item.zh;
      const button = el('button', name + ' · ' + layer.title + (item.center ? '' : ' ' + words.not_on_map));
      button.type = 'button';
      button.addEventListener('click', function () {
        if (!item.center) { box.replaceChildren(el('div', words.unlocated_note + ' ' + name, 'hint')); return; }
        focusOn({layer: item.layer, id: item.id, zoom: item.zoom}, [item.layer]);
      });
      box.appendChild(button);
    });
  }

  function buildProjects() {
    const data = state.page.projects, words = state.page.words.projects;
    const details = $('projects');
    details.style.display = data.rows.length ? '' : 'none';
    details.querySelector('summary').textContent = words.title;
    const district = $('project-district'), unit = $('project-unit');
    district.replaceChildren(new Option(words.district + '：' + words.all, ''));
    data.districts.forEach(function (d) { district.appendChild(new Option(d.name, d.match)); });
    unit.replaceChildren(new Option(words.lead_unit + '：' + words.all, ''));
    data.lead_units.forEach(function (u) { unit.appendChild(new Option(u, u)); });
    district.onchange = unit.onchange = drawProjects;
    drawProjects();
  }
  function drawProjects() {
    const data = state.page.projects, words = state.page.words.projects;
    const d = $('project-district').value, u = $('project-unit').value;
    const rows = data.rows.filter(function (r) {
      return (!d || r.district.indexOf(d) >= 0) && (!u || r.lead_unit.indexOf(u) >= 0);
    });
    $('project-note').textContent = words.count.replace('{n}', rows.length);
    const table = $('project-table');
    table.replaceChildren();
    const head = table.insertRow();
    [words.number, words.name, words.lead_unit, words.district].forEach(function (h) { head.appendChild(el('th', h)); });
    rows.forEach(function (r) {
      const tr = table.insertRow();
      tr.title = [r.content, r.related].filter(Boolean).join('\n');
      [r.number === null ? '' : String(r.number), r.name, r.lead_unit, r.district].forEach(function (v) { tr.insertCell().textContent = v; });
      if (r.focus) { tr.className = 'located'; }
      tr.addEventListener('click', function () {
        if (!r.focus) { $('project-note').textContent = words.no_position; return; }
        focusOn(r.focus, r.layers);
      });
    });
  }

  function buildLangs() {
    const root = $('langs');
    root.replaceChildren();
    boot.langs.forEach(function (code) {
      const button = el('button', state.page.words.lang_names[code]);
      button.type = 'button';
      button.lang = code;
      button.setAttribute('aria-pressed', String(code === state.lang));
      button.addEventListener('click', function () { if (code !== state.lang) { show(code); } });
      root.appendChild(button);
    });
  }
  let measured = false;
  function show(lang) {
    state.lang = lang;
    return Promise.all([hz.fetchOnce(boot.configs[lang]), hz.fetchOnce(boot.pages[lang]), hz.fetchOnce(boot.search)])
      .then(function (got) {
        state.config = got[0];
        state.page = got[1];
        state.index = got[2];
        const known = new Set(state.config.order);
        state.visible = state.visible.filter(function (id) { return known.has(id); });
        const words = state.page.words;
        document.documentElement.lang = lang === 'zh' ? 'zh-CN' : lang;
        document.title = words.title;
        $('title').textContent = words.title;
        $('search').placeholder = words.search;
        $('search').setAttribute('aria-label', words.search);
        $('notes').textContent = [words.notes, words.data_sources, words.share, words.static].join(' ');
        buildLangs();
        buildPanel();
        buildProjects();
        showResults();
        writeHash();
        return syncMap();
      }).then(function () {
        if (!measured) { measured = true; hz.measureControl(map, state.config.words); }
      }).catch(function (err) { console.error('site: ' + err.message); });
  }
  if (linked.layers) { state.visible = linked.layers; }
  $('search').addEventListener('input', showResults);
  show(state.lang);
})();
