/*
 * Carto CPTS — the territories map (mapper/maps/territory.py), on the helpers of cpts-maps.js.
 *
 * territoryLayer: the CPTS of one status. Feature keys: i id, n name, s slug, st status label,
 * p population, c fill colour (hex), lb [lon, lat] of the label. The layer's style (outline by
 * status) comes from data.style, the fill from each feature. A click opens a popup: name,
 * status, population and a link to the CPTS page (data.url with {slug}).
 *
 * overlapLayer: one piece per set of claimants. Keys: cl [{n, s, st}] the claimants, p the
 * population concerned, a the area (km²), e estimated, co the communes.
 *
 * Names are labels (DivIcons in their own pane) placed at lb, shown where the territory is wide
 * enough on screen for its name and the label does not collide with a larger CPTS's label;
 * recomputed on zoom and when a layer is shown or hidden. Every string is put in the DOM with
 * textContent (through util.el), never as markup.
 */
(function (window, document) {
  'use strict';

  var L = window.L;
  var C = window.CartoCPTS;
  if (!L || !C || !C.util) { return; }
  var U = C.util;
  var el = U.el;
  var tr = U.tr;
  var LABEL_PANE = 'cptsLabels';
  var SLUG = /^[a-z0-9][a-z0-9-]*$/;

  function cptsLink(map, template, name, slug) {
    if (typeof template !== 'string' || typeof slug !== 'string' || !SLUG.test(slug)) { return null; }
    var link = el('a', 'cpts-popup-link', tr(map, 'cptsPage'));
    link.href = template.split('{slug}').join(encodeURIComponent(slug));
    link.setAttribute('aria-label', tr(map, 'cptsPageOf', { name: name || '' }));
    return link;
  }

  /* ------------------------------------------------------------------ labels */

  function Labels(map) {
    this.map = map;
    this.items = [];
    if (!map.getPane(LABEL_PANE)) {
      var pane = map.createPane(LABEL_PANE);
      pane.style.zIndex = '620';
      pane.style.pointerEvents = 'none';
    }
    this.group = L.layerGroup().addTo(map);
    var self = this;
    var pending = null;
    this.schedule = function () {
      if (pending) { return; }
      pending = window.setTimeout(function () { pending = null; self.layout(); }, 0);
    };
    map.on('zoomend viewreset resize', this.schedule);
  }

  Labels.forMap = function (map) {
    if (!map._cptsLabels) { map._cptsLabels = new Labels(map); }
    return map._cptsLabels;
  };

  Labels.prototype.add = function (owner, latlng, text, bounds, weight) {
    var span = el('span', 'cpts-territory-label-text', text);
    var marker = L.marker(latlng, {
      icon: L.divIcon({ className: 'cpts-territory-label', html: span, iconSize: null }),
      pane: LABEL_PANE, interactive: false, keyboard: false
    });
    this.items.push({ owner: owner, marker: marker, bounds: bounds, weight: weight || 0, size: null });
  };

  /* Biggest first; a label shows when its territory is at least as wide as half the label on
     screen and it does not overlap a label already placed. */
  Labels.prototype.layout = function () {
    var map = this.map;
    var placed = [];
    var items = this.items.slice().sort(function (a, b) { return b.weight - a.weight; });
    var shownItems = [];
    var i, item;
    /* Writes first (labels added or removed), then every size read at once: one layout of
       the page, not one per label. */
    for (i = 0; i < items.length; i++) {
      item = items[i];
      var shown = map.hasLayer(item.owner);
      if (shown && !this.group.hasLayer(item.marker)) { this.group.addLayer(item.marker); }
      if (!shown) { if (this.group.hasLayer(item.marker)) { this.group.removeLayer(item.marker); } continue; }
      item.node = item.marker.getElement();
      if (item.node) { shownItems.push(item); }
    }
    for (i = 0; i < shownItems.length; i++) {
      item = shownItems[i];
      if (!item.size) { item.size = [item.node.offsetWidth || 80, item.node.offsetHeight || 16]; }
    }
    var hidden = [];
    for (i = 0; i < shownItems.length; i++) {
      item = shownItems[i];
      var ne = map.latLngToLayerPoint(item.bounds.getNorthEast());
      var sw = map.latLngToLayerPoint(item.bounds.getSouthWest());
      var fits = (ne.x - sw.x) >= item.size[0] * 0.5 && (sw.y - ne.y) >= item.size[1];
      var p = map.latLngToLayerPoint(item.marker.getLatLng());
      var box = { x1: p.x - item.size[0] / 2 - 3, x2: p.x + item.size[0] / 2 + 3,
                  y1: p.y - item.size[1] / 2 - 2, y2: p.y + item.size[1] / 2 + 2 };
      var free = fits;
      for (var j = 0; free && j < placed.length; j++) {
        var o = placed[j];
        if (box.x1 < o.x2 && box.x2 > o.x1 && box.y1 < o.y2 && box.y2 > o.y1) { free = false; }
      }
      hidden.push(!free);
      if (free) { placed.push(box); }
    }
    for (i = 0; i < shownItems.length; i++) {
      shownItems[i].node.classList.toggle('cpts-label-hidden', hidden[i]);
    }
    /* How many names show: tests and the benchmark wait for the first layout. */
    map.getContainer().setAttribute('data-cpts-labels', String(placed.length));
  };

  /* ------------------------------------------------------------------ territories */

  function territoryPopup(map, p, template) {
    var box = el('div', 'cpts-popup cpts-territory-popup');
    box.appendChild(el('h3', 'cpts-popup-name', p.n));
    if (p.st) { box.appendChild(el('p', 'cpts-popup-status', p.st)); }
    box.appendChild(el('p', null, U.populationText(map, 'population', p.p)));
    var link = cptsLink(map, template, p.n, p.s);
    if (link) { var line = el('p', 'cpts-popup-actions'); line.appendChild(link); box.appendChild(line); }
    return box;
  }

  function hoverable(layer, base, hover) {
    layer.on('mouseover', function () { layer.setStyle(hover); });
    layer.on('mouseout', function () { layer.setStyle(base); });
  }

  function territoryLayer(map, dataId) {
    var data = U.readData(dataId) || {};
    var base = data.style || {};
    var labels = Labels.forMap(map);
    var group = L.featureGroup();
    var geo = L.geoJSON(null, {
      style: function (f) {
        var colour = (f.properties || {}).c;
        return L.extend({}, base, U.HEX_COLOR.test(colour || '') ? { fillColor: colour } : {});
      },
      onEachFeature: function (f, layer) {
        var p = f.properties || {};
        var own = L.extend({}, base, U.HEX_COLOR.test(p.c || '') ? { fillColor: p.c } : {});
        hoverable(layer, own, L.extend({}, own, { weight: (base.weight || 2) + 1.5, fillOpacity: Math.min((base.fillOpacity || 0.4) + 0.2, 0.85) }));
        layer.bindPopup(function () { return territoryPopup(map, p, data.url); },
          { maxWidth: 280, className: 'cpts-leaflet-popup' });
        var bounds = layer.getBounds ? layer.getBounds() : null;
        if (p.lb && U.isNumber(p.lb[0]) && U.isNumber(p.lb[1]) && p.n && bounds && bounds.isValid()) {
          labels.add(group, [p.lb[1], p.lb[0]], p.n, bounds,
            bounds.getNorthEast().lng - bounds.getSouthWest().lng);
        }
      }
    });
    var features = (data.features && data.features.features) || [];
    for (var i = 0; i < features.length; i++) {
      try { geo.addData(features[i]); } catch (err) { U.logError('géométrie invalide ignorée', err); }
    }
    group.addLayer(geo);
    group.on('add remove', labels.schedule);
    return group;
  }

  /* ------------------------------------------------------------------ overlaps */

  function overlapPopup(map, p, template) {
    var box = el('div', 'cpts-popup cpts-overlap-popup');
    box.appendChild(el('h3', 'cpts-popup-name', tr(map, 'overlap')));
    var claimants = p.cl || [];
    box.appendChild(el('p', 'cpts-popup-heading', tr(map, 'claimedBy', { n: claimants.length })));
    var list = el('ul', 'cpts-overlap-claimants');
    for (var i = 0; i < claimants.length; i++) {
      var c = claimants[i] || {};
      var li = el('li');
      var link = cptsLink(map, template, c.n, c.s);
      if (link) { link.textContent = c.n || ''; link.className = ''; li.appendChild(link); } else { li.appendChild(document.createTextNode(c.n || '')); }
      if (c.st) { li.appendChild(el('span', 'cpts-overlap-status', ' (' + c.st + ')')); }
      list.appendChild(li);
    }
    box.appendChild(list);
    var population = U.populationText(map, 'populationAffected', p.p);
    if (p.e && U.isNumber(p.p)) { population += ' ' + tr(map, 'estimated'); }
    box.appendChild(el('p', null, population));
    if (U.isNumber(p.a)) { box.appendChild(el('p', null, tr(map, 'area', { value: U.formatDecimal(p.a) }))); }
    var communes = p.co || [];
    if (communes.length) {
      var shown = communes.slice(0, 5).join(', ');
      var text = communes.length > 5 ? tr(map, 'moreCommunes', { list: shown, n: communes.length - 5 }) : shown;
      box.appendChild(el('p', 'cpts-overlap-communes', tr(map, 'sharedCommunes', { list: text })));
    }
    return box;
  }

  function overlapLayer(map, dataId) {
    var data = U.readData(dataId) || {};
    var base = data.style || {};
    var options = {
      style: function () { return base; },
      onEachFeature: function (f, layer) {
        var p = f.properties || {};
        hoverable(layer, base, L.extend({}, base, { weight: (base.weight || 2) + 2 }));
        layer.bindPopup(function () { return overlapPopup(map, p, data.url); },
          { maxWidth: 300, className: 'cpts-leaflet-popup' });
      }
    };
    var target = U.pane(map, data.pane);
    if (target) { options.pane = target.name; options.renderer = target.renderer; }
    var layer = L.geoJSON(null, options);
    var features = (data.features && data.features.features) || [];
    for (var i = 0; i < features.length; i++) {
      try { layer.addData(features[i]); } catch (err) { U.logError('géométrie invalide ignorée', err); }
    }
    return layer;
  }

  L.extend(C, { territoryLayer: territoryLayer, overlapLayer: overlapLayer });
}(window, document));
