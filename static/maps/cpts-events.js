/* Carto CPTS: the layers of the permanence maps (mapper/maps/permanences.py), added to
 * window.CartoCPTS (static/maps/cpts-maps.js, loaded first).
 *
 *   placeLayer(map, dataId): one keyboard-reachable marker per place; its popup lists the
 *     upcoming dates (data.places: n name, a address, la/lo, w when lines, m appointment,
 *     p phone); data.texts: the words.
 *   gapLayer(map, dataId): the communes without a permanence near, shaded by population
 *     class (data.styles[cls]); a tooltip gives the name, population and nearest permanence.
 *
 * Data is put in the DOM as text (textContent), never as HTML.
 */
(function (window, document) {
  'use strict';
  var L = window.L, C = window.CartoCPTS;
  if (!L || !C) { return; }

  function readData(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent || 'null'); } catch (err) { return null; }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null && text !== '') { node.textContent = String(text); }
    return node;
  }

  function isNumber(n) { return typeof n === 'number' && isFinite(n); }

  function tr(texts, key, params) {
    var text = typeof (texts || {})[key] === 'string' ? texts[key] : key;
    for (var name in (params || {})) {
      if (Object.prototype.hasOwnProperty.call(params, name)) { text = text.split('{' + name + '}').join(String(params[name])); }
    }
    return text;
  }

  function formatNumber(n, digits) {
    try { return Number(n).toLocaleString(document.documentElement.lang || 'fr', { maximumFractionDigits: digits }); } catch (err) { return String(n); }
  }

  function placePopup(p, texts) {
    var box = el('div', 'cpts-popup cpts-event-popup');
    box.appendChild(el('h3', 'cpts-popup-title', p.n));
    if (p.a) { box.appendChild(el('p', 'cpts-popup-address', p.a)); }
    var when = p.w || [];
    if (when.length) {
      var list = el('ul', 'cpts-event-when');
      for (var i = 0; i < when.length; i++) { list.appendChild(el('li', null, when[i])); }
      box.appendChild(list);
    }
    if (p.m) { box.appendChild(el('p', 'cpts-event-mode', p.m)); }
    if (p.p) {
      var call = el('a', 'cpts-popup-call', tr(texts, 'call', { phone: p.p }));
      call.href = 'tel:' + String(p.p).replace(/[^0-9+]/g, '');
      var line = el('p');
      line.appendChild(call);
      box.appendChild(line);
    }
    return box;
  }

  function placeLayer(map, dataId) {
    var data = readData(dataId) || {};
    var texts = data.texts || {};
    var group = L.featureGroup();
    var places = data.places || [];
    for (var i = 0; i < places.length; i++) {
      var p = places[i] || {};
      if (!isNumber(p.la) || !isNumber(p.lo)) { continue; }
      var pin = el('span', 'cpts-event-pin');
      var glyph = el('i', 'fa-solid fa-syringe');
      glyph.setAttribute('aria-hidden', 'true');
      pin.appendChild(glyph);
      var marker = L.marker([p.la, p.lo], {
        icon: L.divIcon({ className: 'cpts-event-marker', html: pin, iconSize: [32, 32], iconAnchor: [16, 16], popupAnchor: [0, -14] }),
        title: String(p.n || ''), alt: String(p.n || ''), keyboard: true, riseOnHover: true
      });
      marker.bindPopup((function (place) { return function () { return placePopup(place, texts); }; }(p)),
        { maxWidth: 280, className: 'cpts-leaflet-popup' });
      group.addLayer(marker);
    }
    group.on('add', function () {
      group.eachLayer(function (m) {
        var node = m.getElement();
        if (node) { node.setAttribute('role', 'button'); node.setAttribute('aria-label', m.options.title); }
      });
    });
    return group;
  }

  function gapTooltip(p, texts) {
    var box = el('div', 'cpts-tooltip-body');
    box.appendChild(el('strong', 'cpts-tooltip-title', (p.nom || '') + (p.code ? ' (' + p.code + ')' : '')));
    if (isNumber(p.population)) {
      var pop = tr(texts, 'population', { n: formatNumber(p.population, 0) });
      if (p.estimated) { pop += ' ' + tr(texts, 'estimated'); }
      box.appendChild(el('p', null, pop));
    }
    box.appendChild(el('p', null, isNumber(p.nearest) ? tr(texts, 'nearest', { km: formatNumber(p.nearest, 1) }) : tr(texts, 'none')));
    return box;
  }

  function gapLayer(map, dataId) {
    var data = readData(dataId) || {};
    var styles = data.styles || [];
    var texts = data.texts || {};
    var layer = L.geoJSON(null, {
      style: function (f) { return styles[(f.properties || {}).cls] || styles[0] || {}; },
      onEachFeature: function (f, l) {
        var p = f.properties || {};
        l.bindTooltip(function () { return gapTooltip(p, texts); }, { sticky: true, className: 'cpts-tooltip' });
      }
    });
    var features = (data.features && data.features.features) || [];
    for (var i = 0; i < features.length; i++) {
      try { layer.addData(features[i]); } catch (err) { /* an invalid geometry is skipped */ }
    }
    return layer;
  }

  C.placeLayer = placeLayer;
  C.gapLayer = gapLayer;
}(window, document));
