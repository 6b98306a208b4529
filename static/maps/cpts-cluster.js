/*
 * Carto CPTS — a marker cluster group for Leaflet built on supercluster (vendor/).
 *
 * Leaflet.markercluster inserts every marker into a per-zoom tree of Leaflet objects: for a
 * CPTS of 5 000 professionals that alone took ~0.6 s of a phone's main thread before the map
 * answered. Here the markers are only data until shown: supercluster indexes their points
 * (a KD-tree, a few milliseconds) and, after each move, the group shows the clusters and
 * markers of the visible area, keeping those already on the map (focus and selection stay).
 *
 * The group is a Leaflet layer with the API the maps use: addLayers / removeLayers (the
 * profession layers add and remove theirs in bulk; besides markers it takes lazy entries,
 * {cptsLat, cptsLng, cptsProfession, cptsMarker()}, whose marker is built when first shown:
 * the group says so with cptsLazy), events of its markers propagated with
 * e.layer (click, keypress…), and for clusters 'clusterclick' / 'clusterkeypress' with
 * e.layer the cluster's marker (e.layer.cptsCluster = {id, count, counts}).
 *
 * Options: radius (screen px, 50: supercluster measures in tile units, so extent is 256, the
 * size of a Leaflet tile), iconCreate(cluster) -> L.Icon, where cluster = {count, counts:
 * {code: n}, professions: {code: profession}}; markers carry cptsProfession {code, …};
 * coarseZoom (16): the closest zoom of the index built at once. Every zoom level is a pass of
 * supercluster over the points, and the first passes run before the JIT has warmed up: the
 * three street-level zooms (17–19) took 0.15 s of a throttled phone's 0.45 s for 5 000
 * points, for a view only a visitor zooming past a cluster click's cap (16) sees. They have an
 * index of their own, built when first shown.
 * Cluster helpers: expansionZoom(cluster), bounds(cluster), spread(clusterMarker),
 * unspread(). A spread cluster lays its markers on a circle (up to 9) or a spiral around it,
 * with legs, until the next zoom or a click on the map.
 */
(function (window) {
  'use strict';

  var L = window.L;
  var Supercluster = window.Supercluster;
  if (!L || !Supercluster) { return; }

  /* Where an item stands: a lazy entry's point, a spread marker's home, a marker's place. */
  function pointOf(item) {
    if (item.cptsHome) { return item.cptsHome; }
    if (typeof item.cptsLat === 'number') { return { lat: item.cptsLat, lng: item.cptsLng }; }
    return item.getLatLng();
  }

  function markerOf(item) { return typeof item.cptsMarker === 'function' ? item.cptsMarker() : item; }

  var ClusterGroup = L.Layer.extend({
    cptsLazy: true,

    options: { radius: 50, coarseZoom: 16, iconCreate: null, legStyle: { weight: 1.5, color: '#222', opacity: 0.6, interactive: false } },

    initialize: function (options) {
      L.setOptions(this, options);
      this._markers = [];
      this._professions = {};
      this._coarse = null;
      this._fine = null;
      this._points = null;
      this._shown = {};
      this._spread = null;
      this._layer = L.featureGroup();
      this._layer.addEventParent(this);
      this._legs = L.layerGroup();
    },

    addLayer: function (marker) { return this.addLayers([marker]); },
    removeLayer: function (marker) { return this.removeLayers([marker]); },

    addLayers: function (markers) {
      for (var i = 0; i < markers.length; i++) {
        var profession = markers[i].cptsProfession;
        if (profession && !this._professions[profession.code]) { this._professions[profession.code] = profession; }
        this._markers.push(markers[i]);
      }
      this._schedule();
      return this;
    },

    removeLayers: function (markers) {
      var gone = {};
      for (var i = 0; i < markers.length; i++) { gone[L.stamp(markers[i])] = true; }
      this._markers = this._markers.filter(function (m) { return !gone[L.stamp(m)]; });
      this._schedule();
      return this;
    },

    getLayers: function () { return this._markers.slice(); },

    /* Rebuilt once after a burst of changes (every profession layer adds its markers in
       the same script), not once per layer. */
    _schedule: function () {
      if (this._pending) { return; }
      this._pending = true;
      var self = this;
      window.Promise.resolve().then(function () { self._pending = false; self._rebuild(); });
    },

    _rebuild: function () {
      var points = new Array(this._markers.length);
      for (var i = 0; i < this._markers.length; i++) {
        var home = pointOf(this._markers[i]);
        points[i] = { type: 'Feature', properties: { m: i }, geometry: { type: 'Point', coordinates: [home.lng, home.lat] } };
      }
      this._points = points;
      this._indexed = this._markers.slice();
      this._slot();
      this._coarse = this._build(0, Math.min(this.options.coarseZoom, this._top()));
      this._fine = null;
      this._counts = {};
      this.unspread();
      this._render();
    },

    onAdd: function (map) {
      this._layer.addTo(map);
      this._legs.addTo(map);
      map.on('moveend', this._render, this);
      map.on('zoomstart click', this._onCollapse, this);
      if (this._coarse) { this._render(); }
    },

    onRemove: function (map) {
      this.unspread();
      map.off('moveend', this._render, this);
      map.off('zoomstart click', this._onCollapse, this);
      this._layer.clearLayers();
      this._shown = {};
      map.removeLayer(this._layer);
      map.removeLayer(this._legs);
    },

    _onCollapse: function () { this.unspread(); },

    _top: function () {
      var top = this._map ? this._map.getMaxZoom() : 19;
      return isFinite(top) ? top : 19;
    },

    _build: function (minZoom, maxZoom) {
      return new Supercluster({ radius: this.options.radius, extent: 256, minZoom: minZoom, maxZoom: maxZoom })
        .load(this._points);
    },

    /* The index of a zoom: the coarse one up to coarseZoom, the fine one (built now if it is
       the first time) closer. */
    _indexAt: function (zoom) {
      var coarse = Math.min(this.options.coarseZoom, this._top());
      if (zoom <= coarse) { return this._coarse; }
      if (!this._fine) { this._fine = this._build(coarse + 1, this._top()); }
      return this._fine;
    },

    /* Each member's profession as a small number (its slot), for tally(). */
    _slot: function () {
      var slots = {};
      this._codes = [];
      this._slots = new Uint16Array(this._indexed.length);
      for (var i = 0; i < this._indexed.length; i++) {
        var profession = this._indexed[i].cptsProfession;
        var code = profession ? String(profession.code) : '';
        if (slots[code] === undefined) { slots[code] = this._codes.length; this._codes.push(code); }
        this._slots[i] = slots[code];
      }
    },

    /* Members by profession of a cluster ({code: n}), made when it is first shown from the
       index's tally; from its leaves if the tally cannot tell (a few dozen clusters are on
       screen, but each getLeaves walks every level under its cluster: 0.1 s of a throttled
       phone for a first view of 5 000 members). */
    _countsOf: function (index, zoom, id, total) {
      var key = zoom + ':' + id;
      var counts = this._counts[key];
      if (counts) { return counts; }
      if (index.cptsTally === undefined) { index.cptsTally = tally(index, this._slots, this._codes.length); }
      var vector = index.cptsTally && index.cptsTally[id];
      var sum = 0;
      counts = {};
      for (var s = 0; vector && s < vector.length; s++) {
        if (vector[s]) { counts[this._codes[s]] = vector[s]; sum += vector[s]; }
      }
      if (sum !== total) {
        counts = {};
        var leaves = index.getLeaves(id, Infinity);
        for (var i = 0; i < leaves.length; i++) {
          var code = this._codes[this._slots[leaves[i].properties.m]];
          counts[code] = (counts[code] || 0) + 1;
        }
      }
      this._counts[key] = counts;
      return counts;
    },

    _clusterMarker: function (feature, index, zoom) {
      var p = feature.properties;
      var counts = this._countsOf(index, zoom, p.cluster_id, p.point_count);
      var cluster = { id: p.cluster_id, index: index, count: p.point_count, counts: counts, professions: this._professions };
      var c = feature.geometry.coordinates;
      var icon = this.options.iconCreate ? this.options.iconCreate(cluster) : new L.DivIcon({ className: 'marker-cluster', html: String(p.point_count) });
      var marker = L.marker([c[1], c[0]], { icon: icon, keyboard: true, riseOnHover: true });
      marker.cptsCluster = cluster;
      var self = this;
      marker.on('click', function (e) { self.fire('clusterclick', { layer: marker, originalEvent: e.originalEvent }); });
      marker.on('keypress', function (e) { self.fire('clusterkeypress', { layer: marker, originalEvent: e.originalEvent }); });
      return marker;
    },

    /* Show what the visible area (and half a screen around it) holds at this zoom. */
    _render: function () {
      var map = this._map;
      if (!map || !this._coarse) { return; }
      var zoom = Math.round(map.getZoom());
      var index = this._indexAt(zoom);
      var b = map.getBounds().pad(0.5);
      var west = Math.max(b.getWest(), -180);
      var east = Math.min(b.getEast(), 180);
      var features = index.getClusters([west, Math.max(b.getSouth(), -85), east, Math.min(b.getNorth(), 85)], zoom);
      var next = {};
      for (var i = 0; i < features.length; i++) {
        var p = features[i].properties;
        var key = p.cluster ? 'c' + zoom + ':' + p.cluster_id : 'p' + L.stamp(this._indexed[p.m]);
        next[key] = this._shown[key] || (p.cluster ? this._clusterMarker(features[i], index, zoom) : markerOf(this._indexed[p.m]));
      }
      var spread = this._spread;
      for (var old in this._shown) {
        if (!next[old] && !(spread && spread.key === old)) { this._layer.removeLayer(this._shown[old]); }
      }
      for (var k in next) { if (!this._shown[k]) { this._layer.addLayer(next[k]); } }
      if (spread && !next[spread.key]) { next[spread.key] = this._shown[spread.key]; }
      this._shown = next;
    },

    /* The zoom at which a cluster splits; Infinity when its members share one place (they
       never split: the maps spread them out). A coarse cluster that holds together through
       the coarse index's last zoom is asked so. */
    expansionZoom: function (cluster) {
      var zoom = cluster.index.getClusterExpansionZoom(cluster.id);
      if (zoom <= cluster.index.options.maxZoom) { return zoom; }
      var items = this._items(cluster);
      var first = pointOf(items[0]);
      for (var i = 1; i < items.length; i++) {
        var p = pointOf(items[i]);
        if (p.lat !== first.lat || p.lng !== first.lng) { return zoom; }
      }
      return Infinity;
    },

    _items: function (cluster) {
      var self = this;
      return cluster.index.getLeaves(cluster.id, Infinity).map(function (f) { return self._indexed[f.properties.m]; });
    },

    leaves: function (cluster) { return this._items(cluster).map(markerOf); },

    /* From the items' points: a click on a cluster of thousands builds no marker. */
    bounds: function (cluster) {
      var bounds = L.latLngBounds([]);
      var items = this._items(cluster);
      for (var i = 0; i < items.length; i++) { bounds.extend(pointOf(items[i])); }
      return bounds;
    },

    /* Lay a cluster's markers around it (Leaflet.markercluster's circle and spiral). */
    spread: function (clusterMarker) {
      this.unspread();
      var map = this._map;
      var key = null;
      for (var k in this._shown) { if (this._shown[k] === clusterMarker) { key = k; } }
      if (!map || !key) { return []; }
      var leaves = this.leaves(clusterMarker.cptsCluster);
      var center = map.latLngToLayerPoint(clusterMarker.getLatLng());
      var spots = leaves.length <= 9 ? circle(leaves.length, center) : spiral(leaves.length, center);
      for (var i = 0; i < leaves.length; i++) {
        var marker = leaves[i];
        var at = map.layerPointToLatLng(spots[i]);
        marker.cptsHome = marker.cptsHome || marker.getLatLng();
        marker.setLatLng(at);
        this._legs.addLayer(L.polyline([clusterMarker.getLatLng(), at], this.options.legStyle));
        this._layer.addLayer(marker);
      }
      clusterMarker.setOpacity(0.35);
      this._spread = { key: key, cluster: clusterMarker, leaves: leaves };
      this.fire('spread', { layer: clusterMarker, markers: leaves });
      return leaves;
    },

    unspread: function () {
      var spread = this._spread;
      if (!spread) { return; }
      this._spread = null;
      this._legs.clearLayers();
      for (var i = 0; i < spread.leaves.length; i++) {
        var marker = spread.leaves[i];
        this._layer.removeLayer(marker);
        if (marker.cptsHome) { marker.setLatLng(marker.cptsHome); marker.cptsHome = null; }
      }
      spread.cluster.setOpacity(1);
      if (this._map && !this._shown[spread.key]) { this._layer.removeLayer(spread.cluster); }
    }
  });

  /* Members by profession of every cluster of a supercluster index, in one pass up its levels:
     {cluster id: Uint32Array by profession slot}. Supercluster 8 (vendor/) keeps each level
     as a flat array of items of `stride` numbers: x, y, zoom, id (a point's index, or a
     cluster's id), the id of the cluster that took the item at the level below (-1 if none),
     number of points. A cluster's tally is the sum of the items it took; an item that no
     cluster took stays, with its id, at the level below. null if the index is not laid out
     so (a future version): the caller counts the leaves instead. */
  function tally(index, slots, width) {
    var trees = index.trees;
    var o = index.options;
    if (index.stride !== 6 || !trees || !trees[o.maxZoom + 1] || !trees[o.maxZoom + 1].data) { return null; }
    var out = {};
    for (var z = o.maxZoom + 1; z > o.minZoom; z--) {
      var data = trees[z] && trees[z].data;
      if (!data) { return null; }
      for (var i = 0; i < data.length; i += 6) {
        var parent = data[i + 4];
        if (parent === -1) { continue; }
        var into = out[parent] || (out[parent] = new Uint32Array(width));
        if (data[i + 5] > 1) {
          var from = out[data[i + 3]];
          if (!from) { return null; }
          for (var s = 0; s < width; s++) { into[s] += from[s]; }
        } else {
          into[slots[data[i + 3]]] += 1;
        }
      }
    }
    return out;
  }

  function circle(count, center) {
    var radius = Math.max(30, (36 * count) / (2 * Math.PI));
    var out = [];
    for (var i = 0; i < count; i++) {
      var angle = (2 * Math.PI * i) / count - Math.PI / 2;
      out.push(L.point(center.x + radius * Math.cos(angle), center.y + radius * Math.sin(angle))._round());
    }
    return out;
  }

  function spiral(count, center) {
    var legLength = 11 * 1.6;
    var separation = 28 * 1.6;
    var lengthFactor = 5 * 1.6 * Math.PI * 2;
    var angle = 0;
    var out = new Array(count);
    for (var i = count; i >= 0; i--) {
      if (i < count) { out[i] = L.point(center.x + legLength * Math.cos(angle), center.y + legLength * Math.sin(angle))._round(); }
      angle += separation / legLength + i * 0.0005;
      legLength += lengthFactor / angle;
    }
    return out;
  }

  L.CptsClusterGroup = ClusterGroup;
  L.cptsClusterGroup = function (options) { return new ClusterGroup(options); };
}(window));
