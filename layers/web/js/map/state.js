// Part of the map runtime (layers/web/js/map/, one bundle with runtime.js; webmap.map_bundle_url).
// The state every part reads: which layers are on and drawn, the configuration, the view.
(function (m) {
  if (window.hz) { return; }  // the bundle ran before in this frame
  const fetchOnce = window.hzFetchJson;  // shared.js, loaded before this file
  // Which layers are on: decided by the layer panel (setVisible, called directly or over a
  // BroadcastChannel; no server round trip) and by Python (shared links, search) through sync();
  // the newest decision by sequence number wins (docs/decisions/0006).
  const view = {map: null, configs: null, configUrl: null, visible: [], seq: -1,
                include: null, focus: null, shown: {}, legend: null, channel: null};
  Object.assign(m, {view, fetchOnce});
})(window.hzm = window.hzm || {});
