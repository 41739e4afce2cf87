// The layer panel in the sidebar (component protocol v1, no build step). It lists the layers
// from the same published configuration the map draws from (layers/web/contract.py), and loads
// only shared.js (swatches, fetching). A click shows or hides the layer in the map at once (a direct
// call into the map iframe, or a BroadcastChannel message where that is not reachable), and
// then tells Python, which keeps the URL and the other pages in step (docs/decisions/0006).
(function () {
  'use strict';
  let built = null, channel = null, seq = -1, boxes = {}, sharedReady = null;

  function send(type, extra) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, extra || {}), '*');
  }
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error('cannot load ' + src)); };
      document.head.appendChild(s);
    });
  }
  function visibleNow() {
    return Object.keys(boxes).filter(function (id) { return boxes[id].checked; });
  }
  // The map iframe of this page, when the browser lets us reach it (same origin): calling it
  // directly draws within this click; the channel covers the case where we cannot.
  function mapRuntimes() {
    const found = [];
    try {
      for (let i = 0; i < window.parent.frames.length; i++) {
        const hz = window.parent.frames[i].hz;
        if (hz && hz.setVisible && hz.view && hz.view.map) { found.push(hz); }
      }
    } catch (err) { /* another origin: rely on the channel */ }
    return found;
  }
  function decide() {
    seq = Math.max(Date.now(), seq + 1);
    const message = {visible: visibleNow(), seq: seq};
    mapRuntimes().forEach(function (hz) { hz.setVisible(message.visible, message.seq); });
    if (channel) { channel.postMessage(message); }
    // Python hears of it after the map has painted: its rerun must not delay the drawing.
    requestAnimationFrame(function () {
      setTimeout(function () { send('streamlit:setComponentValue', {value: message, dataType: 'json'}); }, 0);
    });
  }
  function build(config, words) {
    const root = document.getElementById('panel');
    root.replaceChildren();
    boxes = {};
    config.groups.forEach(function (group) {
      const head = document.createElement('h3');
      head.textContent = group.title;
      root.appendChild(head);
      if (group.bulk) {
        // A whole plan framework on or off in one click.
        const bar = document.createElement('div');
        bar.className = 'bulk';
        [[words.show_all, true], [words.hide_all, false]].forEach(function (pair) {
          const button = document.createElement('button');
          button.type = 'button';
          button.textContent = pair[0];
          button.addEventListener('click', function () {
            group.layers.forEach(function (id) { boxes[id].checked = pair[1]; });
            decide();
          });
          bar.appendChild(button);
        });
        root.appendChild(bar);
      }
      group.layers.forEach(function (id) {
        const l = config.layers[id];
        const row = document.createElement('label');
        row.title = l.description || '';
        if (!l.url) { row.className = 'broken'; }  // failed to load: listed, not drawn
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.addEventListener('change', decide);
        boxes[l.id] = box;
        row.appendChild(box);
        row.appendChild(window.hzSwatch(l.geometry, (l.legend[0] || {}).symbol || l.symbols[0]));
        const name = document.createElement('span');
        name.textContent = l.title;
        row.appendChild(name);
        if (l.unlocated_count) {  // said next to the switch, not hidden
          const note = document.createElement('small');
          note.className = 'unlocated';
          note.textContent = config.words.unlocated_n.replace('{n}', l.unlocated_count);
          row.appendChild(note);
        }
        root.appendChild(row);
      });
    });
  }
  function check(visible) {
    const on = new Set(visible);
    Object.keys(boxes).forEach(function (id) { boxes[id].checked = on.has(id); });
  }
  window.addEventListener('message', function (event) {
    const data = event.data || {};
    if (data.type !== 'streamlit:render') { return; }
    const args = data.args;
    if (!sharedReady) { sharedReady = loadScript(args.shared_js); }
    sharedReady.then(function () { return window.hzFetchJson(args.config_url); }).then(function (config) {
      if (!channel && window.BroadcastChannel) { channel = new BroadcastChannel(args.channel); }
      const key = JSON.stringify([args.config_url, args.words]);
      const rebuilt = key !== built;
      if (rebuilt) { built = key; build(config, args.words); }
      // Python's view wins only if it is newer than the last click here.
      if (args.visible.seq > seq || rebuilt) {
        seq = Math.max(seq, args.visible.seq);
        check(args.visible.visible);
      }
      send('streamlit:setFrameHeight', {height: document.documentElement.scrollHeight});
    }).catch(function (err) { console.error(err.message); });
  });
  send('streamlit:componentReady', {apiVersion: 1});
})();
