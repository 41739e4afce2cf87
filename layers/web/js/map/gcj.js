// Part of the map runtime: coordinates for Leaflet, in GCJ-02 for Amap tiles.
(function (m) {
  if (window.hz) { return; }  // the bundle ran before in this frame
  // WGS 84 → GCJ-02, the same published transform as layers/geo/crs.py, so our data sits on
  // Amap tiles (which are in GCJ-02).
  const KA = 6378245.0, KEE = 0.00669342162296594323;
  function offLat(x, y) {
    let v = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    v += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    v += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    v += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
    return v;
  }
  function offLon(x, y) {
    let v = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    v += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    v += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    v += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
    return v;
  }
  function toGcj(lon, lat) {
    const rad = lat / 180 * Math.PI;
    const magic = 1 - KEE * Math.sin(rad) * Math.sin(rad);
    const sq = Math.sqrt(magic);
    const dLat = offLat(lon - 105, lat - 35) * 180 / ((KA * (1 - KEE)) / (magic * sq) * Math.PI);
    const dLon = offLon(lon - 105, lat - 35) * 180 / (KA / sq * Math.cos(rad) * Math.PI);
    return [lon + dLon, lat + dLat];
  }
  function latLngOf(cfg, coords) {
    const c = cfg.gcj ? toGcj(coords[0], coords[1]) : coords;
    return L.latLng(c[1], c[0]);
  }
  Object.assign(m, {toGcj, latLngOf});
})(window.hzm = window.hzm || {});
