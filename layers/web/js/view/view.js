// Hands Python the map view the map page last reported (runtime.js writes it to sessionStorage
// after each deliberate move), so the Export page starts from the extent the planner was
// looking at without the map page rerunning on every pan. Invisible; component protocol v1.
(function () {
  'use strict';
  let sent = null;
  function send(type, extra) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, extra || {}), '*');
  }
  window.addEventListener('message', function (event) {
    const data = event.data || {};
    if (data.type !== 'streamlit:render') { return; }
    send('streamlit:setFrameHeight', {height: 0});
    let stored = null;
    try { stored = window.sessionStorage.getItem('hz-view:' + data.args.channel); } catch (err) { return; }
    if (stored && stored !== sent) {
      sent = stored;
      send('streamlit:setComponentValue', {value: JSON.parse(stored), dataType: 'json'});
    }
  });
  send('streamlit:componentReady', {apiVersion: 1});
})();
