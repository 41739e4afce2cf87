// Part of the map runtime: badges for features that have no position yet.
(function (m) {
  if (window.hz) { return; }  // the bundle ran before in this frame
  const {view, fetchOnce, table, text} = m;
  // Features known only to their district (no sourced point): one badge per district with
  // their count, listing them when clicked; a feature naming no district goes to a city-wide
  // badge. Never a fake point.
  let badgeRound = 0;
  function drawBadges() {
    const round = ++badgeRound;
    const configs = view.configs;
    const layers = configs.order.map(function (id) { return configs.layers[id]; }).filter(function (cfg) {
      return view.shown[cfg.id] && cfg.district_field && cfg.unlocated_count;
    });
    Promise.all(layers.map(function (cfg) {
      return fetchOnce(cfg.url).then(function (data) {
        return data.features.filter(function (f) { return !f.geometry; }).map(function (f) { return {cfg: cfg, f: f}; });
      });
    })).then(function (lists) {
      if (round !== badgeRound || !view.map) { return; }
      if (view.badges) { view.map.removeLayer(view.badges); }
      view.badges = L.layerGroup().addTo(view.map);
      const items = [].concat.apply([], lists);
      if (!items.length) { return; }
      const places = configs.districts.map(function (d) { return {name: d.name, match: d.name_zh, at: d.anchor, items: []}; });
      // City-wide items have no place on the map: their badge is a button in the corner.
      const city = {name: configs.words.city_wide, match: null, at: null, items: []};
      items.forEach(function (item) {
        const value = String(item.f.properties[item.cfg.district_field] || '');
        const hits = places.filter(function (p) { return value.indexOf(p.match) >= 0; });
        (hits.length ? hits : [city]).forEach(function (p) { p.items.push(item); });
      });
      if (city.items.length) { view.badges.addLayer(cityBadge(city)); }
      places.forEach(function (place) {
        if (!place.items.length) { return; }
        const icon = L.divIcon({className: 'hz-badge-icon', iconSize: null,
                                html: '<span class="hz-badge"></span>'});
        const marker = L.marker(L.latLng(place.at[1], place.at[0]), {icon: icon, pane: 'markerPane', keyboard: true,
                                                                      title: place.name});
        marker.on('add', function () {
          const el = marker.getElement().querySelector('.hz-badge');
          const count = configs.words.unlocated_n.replace('{n}', place.items.length);
          el.textContent = count;
        });
        marker.bindPopup(function () { return badgeCard(place); }, {maxWidth: 380});
        view.badges.addLayer(marker);
      });
    }).catch(function (err) { console.error('unlocated badges: ' + err.message); });
  }
  function cityBadge(place) {
    const Badge = L.Control.extend({
      options: {position: 'topleft'},
      onAdd: function (map) {
        const el = L.DomUtil.create('a', 'hz-badge hz-badge-city');
        el.href = '#';
        el.setAttribute('role', 'button');
        el.textContent = place.name + ' · ' + view.configs.words.unlocated_n.replace('{n}', place.items.length);
        L.DomEvent.disableClickPropagation(el);
        L.DomEvent.on(el, 'click', function (e) {
          L.DomEvent.preventDefault(e);
          L.popup({maxWidth: 380}).setLatLng(map.getCenter()).setContent(badgeCard(place)).openOn(map);
        });
        return el;
      },
    });
    // A layer-like wrapper, so the badges group adds and removes it with the district badges.
    const control = new Badge();
    const Holder = L.Layer.extend({
      onAdd: function (map) { control.addTo(map); return this; },
      onRemove: function () { control.remove(); return this; },
    });
    return new Holder();
  }
  function badgeCard(place) {
    const words = view.configs.words;
    const box = document.createElement('div');
    box.className = 'hz-info hz-badge-card';
    const head = document.createElement('div');
    head.className = 'hz-title';
    head.textContent = words.unlocated_here.replace('{district}', place.name).replace('{n}', place.items.length);
    box.appendChild(head);
    const hint = document.createElement('div');
    hint.className = 'hz-hint';
    hint.textContent = words.unlocated_hint;
    box.appendChild(hint);
    place.items.forEach(function (item) {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = text(item.f.properties[item.cfg.title_field]) + ' · ' + item.cfg.title;
      details.appendChild(summary);
      details.addEventListener('toggle', function () {
        if (details.open && details.children.length === 1) { details.appendChild(table(item.f.properties, item.cfg, item.cfg.popup)); }
      }, {once: false});
      box.appendChild(details);
    });
    return box;
  }
  Object.assign(m, {drawBadges});
})(window.hzm = window.hzm || {});
