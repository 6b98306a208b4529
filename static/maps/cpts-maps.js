/*
 * Carto CPTS — browser side of the maps built by mapper/maps (Folium).
 *
 * Each map element embeds its data in <script type="application/json" id="…"> and Folium's
 * inline script calls one of the factories below with the map and that id. Everything a user
 * typed is inserted with textContent / DOM nodes, never innerHTML, and nothing here uses eval:
 * the page runs under a CSP without 'unsafe-inline' scripts or 'unsafe-eval'. Colours are set
 * through CSS classes or the CSSOM (element.style), never through style="" markup.
 *
 * Marker data keys (compact, see mapper/maps/orientation.py): i id, n name, l profession label
 * (if it differs from the layer's), la/lo lat/lon, c competencies, a address, p phone,
 * np accepts new patients (absent: unknown), s next slot, st stale, z zone URL.
 */
(function (window, document) {
  'use strict';

  var L = window.L;
  var NUMBER = window.Intl && window.Intl.NumberFormat ? new window.Intl.NumberFormat('fr-FR') : null;
  var HEX_COLOR = /^#[0-9a-fA-F]{3,8}$/;
  var CSS_CLASS = /^[A-Za-z0-9_-]+$/;
  var PANE_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

  function logError(message, detail) {
    if (window.console && window.console.error) { window.console.error('CartoCPTS: ' + message, detail); }
  }

  function logWarning(message, detail) {
    if (window.console && window.console.warn) { window.console.warn('CartoCPTS: ' + message, detail); }
  }

  function readData(id) {
    var node = document.getElementById(id);
    if (!node) { logError('bloc de données absent', id); return null; }
    try {
      return JSON.parse(node.textContent || 'null');
    } catch (err) {
      logError('données illisibles', err);
      return null;
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null && text !== '') { node.textContent = String(text); }
    return node;
  }

  function safeClass(name) {
    return typeof name === 'string' && CSS_CLASS.test(name) ? name : '';
  }

  function glyph(iconName) {
    var i = el('i', 'fa-solid ' + safeClass(iconName));
    i.setAttribute('aria-hidden', 'true');
    return i;
  }

  /* A line of a popup or tooltip: optional Font-Awesome glyph, then text. */
  function row(className, iconName, text) {
    var p = el('p', className);
    if (iconName) { p.appendChild(glyph(iconName)); p.appendChild(document.createTextNode(' ')); }
    p.appendChild(document.createTextNode(String(text)));
    return p;
  }

  function formatInt(n) {
    var value = Math.round(Number(n));
    return NUMBER ? NUMBER.format(value) : String(value);
  }

  function formatDecimal(n) {
    var value = Number(n);
    return window.Intl ? value.toLocaleString('fr-FR', { maximumFractionDigits: 1 }) : value.toFixed(1);
  }

  function isNumber(n) { return typeof n === 'number' && isFinite(n); }

  /* ISO 8601 datetimes are shown in French; anything else is shown as given. */
  function formatSlot(text) {
    var s = String(text);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s)) {
      var date = new Date(s);
      if (!isNaN(date.getTime())) {
        return date.toLocaleString('fr-FR', {
          weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit'
        });
      }
    }
    return s;
  }

  /* ---------------------------------------------------------------- intervention zones */

  function ZoneToggler(map, embedded, template) {
    this.map = map;
    this.embedded = embedded && typeof embedded === 'object' ? embedded : {};
    this.template = typeof template === 'string' && template ? template : null;
    this.layers = {};
    this.pending = {};
  }

  ZoneToggler.prototype.source = function (d) {
    var key = String(d.i);
    if (Object.prototype.hasOwnProperty.call(this.embedded, key)) { return { geojson: this.embedded[key] }; }
    if (typeof d.z === 'string' && d.z) { return { url: d.z }; }
    if (this.template) { return { url: this.template.split('{id}').join(encodeURIComponent(key)) }; }
    return null;
  };

  ZoneToggler.prototype.isShown = function (key) {
    var layer = this.layers[key];
    return Boolean(layer && this.map.hasLayer(layer));
  };

  ZoneToggler.prototype.hide = function (key) {
    if (this.layers[key]) { this.map.removeLayer(this.layers[key]); }
  };

  ZoneToggler.prototype.load = function (key, source, profession) {
    var self = this;
    if (this.layers[key]) { return Promise.resolve(this.layers[key]); }
    if (this.pending[key]) { return this.pending[key]; }
    var geojson;
    if (source.geojson) {
      geojson = Promise.resolve(source.geojson);
    } else if (typeof window.fetch === 'function') {
      geojson = window.fetch(source.url, {
        credentials: 'same-origin',
        headers: { Accept: 'application/geo+json, application/json' }
      }).then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      });
    } else {
      geojson = Promise.reject(new Error('fetch indisponible'));
    }
    this.pending[key] = geojson.then(function (data) {
      var color = HEX_COLOR.test(profession.color || '') ? profession.color : '#5f6b73';
      var layer = L.geoJSON(data, {
        interactive: false,
        style: function () {
          return { color: color, weight: 2, dashArray: '5 4', fillColor: color, fillOpacity: 0.12 };
        }
      });
      self.layers[key] = layer;
      return layer;
    });
    this.pending[key].then(null, function () { delete self.pending[key]; });
    return this.pending[key];
  };

  ZoneToggler.prototype.show = function (key, source, profession) {
    var map = this.map;
    return this.load(key, source, profession).then(function (layer) {
      layer.addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid() && !map.getBounds().contains(bounds)) {
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
      }
      return layer;
    });
  };

  ZoneToggler.prototype.control = function (d, profession) {
    var source = this.source(d);
    if (!source) { return null; }
    var self = this;
    var key = String(d.i);
    var box = el('div', 'cpts-popup-zone');
    var button = el('button', 'cpts-zone-button');
    var status = el('p', 'cpts-zone-status');
    button.type = 'button';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');

    function refresh() {
      var shown = self.isShown(key);
      button.textContent = shown ? 'Masquer la zone d\u2019intervention' : 'Afficher la zone d\u2019intervention';
      button.setAttribute('aria-pressed', shown ? 'true' : 'false');
    }

    button.addEventListener('click', function () {
      status.textContent = '';
      if (self.isShown(key)) { self.hide(key); refresh(); return; }
      button.disabled = true;
      status.textContent = 'Chargement\u2026';
      self.show(key, source, profession).then(function () {
        status.textContent = '';
      }, function (err) {
        logWarning('zone d\u2019intervention indisponible', err);
        status.textContent = 'Zone d\u2019intervention indisponible.';
      }).then(function () {
        button.disabled = false;
        refresh();
      });
    });
    refresh();
    box.appendChild(button);
    box.appendChild(status);
    return box;
  };

  /* ---------------------------------------------------------------- orientation map */

  function professionalPopup(d, profession, zones) {
    var root = el('div', 'cpts-popup');
    root.appendChild(el('h3', 'cpts-popup-name', d.n || 'Professionnel'));
    root.appendChild(el('p', 'cpts-popup-profession', d.l || profession.label));
    if (d.st) {
      root.appendChild(row('cpts-popup-stale', 'fa-triangle-exclamation', 'Non vérifié depuis 6 mois'));
    }
    if (d.c && d.c.length) {
      root.appendChild(el('p', 'cpts-popup-heading', 'Compétences'));
      var list = el('ul', 'cpts-popup-competencies');
      for (var i = 0; i < d.c.length; i++) { list.appendChild(el('li', null, d.c[i])); }
      root.appendChild(list);
    }
    if (d.a) { root.appendChild(row('cpts-popup-address', 'fa-location-dot', d.a)); }
    if (d.p) {
      var phone = el('p', 'cpts-popup-phone');
      var link = el('a', null, d.p);
      link.href = 'tel:' + String(d.p).replace(/[^0-9+]/g, '');
      phone.appendChild(glyph('fa-phone'));
      phone.appendChild(document.createTextNode(' '));
      phone.appendChild(link);
      root.appendChild(phone);
    }
    if (d.np === true) {
      root.appendChild(row('cpts-popup-patients cpts-yes', 'fa-circle-check', 'Accepte de nouveaux patients'));
    } else if (d.np === false) {
      root.appendChild(row('cpts-popup-patients cpts-no', 'fa-circle-xmark', 'N\u2019accepte pas de nouveaux patients'));
    }
    if (d.s) {
      root.appendChild(row('cpts-popup-slot', 'fa-calendar-check', 'Prochain créneau disponible : ' + formatSlot(d.s)));
    }
    var zone = zones.control(d, profession);
    if (zone) { root.appendChild(zone); }
    return root;
  }

  /* A Leaflet.DivIcon with a Font-Awesome glyph appended as a DOM node. */
  var ProfessionIcon = L.DivIcon.extend({
    options: { html: '', glyph: '', iconSize: [30, 30], iconAnchor: [15, 15], popupAnchor: [0, -14] },
    createIcon: function (oldIcon) {
      var div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      div.appendChild(glyph(this.options.glyph));
      return div;
    }
  });

  function addAll(group, layers) {
    if (typeof group.addLayers === 'function') { group.addLayers(layers); return; }
    for (var i = 0; i < layers.length; i++) { group.addLayer(layers[i]); }
  }

  function removeAll(group, layers) {
    if (typeof group.removeLayers === 'function') { group.removeLayers(layers); return; }
    for (var i = 0; i < layers.length; i++) { group.removeLayer(layers[i]); }
  }

  /* The markers of one profession, added to / removed from the shared cluster group in bulk. */
  var ProfessionLayer = L.Layer.extend({
    initialize: function (group, data) {
      this._group = group;
      this._markers = [];
      var profession = { code: data.code, label: data.label || '', color: data.color };
      var colorClass = safeClass(data.colorClass);
      var icon = new ProfessionIcon({ className: 'cpts-marker ' + colorClass, glyph: data.icon });
      var staleIcon = new ProfessionIcon({ className: 'cpts-marker cpts-marker-stale ' + colorClass, glyph: data.icon });
      var list = data.markers || [];
      for (var i = 0; i < list.length; i++) {
        var d = list[i];
        if (!d || !isNumber(d.la) || !isNumber(d.lo)) { continue; }
        var marker = L.marker([d.la, d.lo], { icon: d.st ? staleIcon : icon, title: d.n || '', riseOnHover: true });
        marker.cptsData = d;
        marker.cptsProfession = profession;
        this._markers.push(marker);
      }
    },
    onAdd: function () { addAll(this._group, this._markers); },
    onRemove: function () { removeAll(this._group, this._markers); },
    getLayers: function () { return this._markers.slice(); }
  });

  function professionCluster(map, dataId) {
    var data = readData(dataId) || {};
    var group = typeof L.markerClusterGroup === 'function'
      ? L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 60 })
      : L.featureGroup();
    var zones = new ZoneToggler(map, data.zones, data.zoneUrlTemplate);
    var popup = L.popup({
      maxWidth: 320, minWidth: 220, offset: [0, -8], autoPanPadding: [24, 24], className: 'cpts-popup-container'
    });
    function open(e) {
      var marker = e.layer;
      if (!marker || !marker.cptsData) { return; }
      popup.setLatLng(marker.getLatLng())
        .setContent(professionalPopup(marker.cptsData, marker.cptsProfession, zones))
        .openOn(map);
    }
    group.on('click', open);
    /* Markers are focusable buttons: Enter opens the popup, as with Leaflet's bindPopup. */
    group.on('keypress', function (e) {
      if (e.originalEvent && (e.originalEvent.key === 'Enter' || e.originalEvent.keyCode === 13)) { open(e); }
    });
    group.cptsZones = zones;
    return group;
  }

  function professionLayer(map, dataId, group) {
    return new ProfessionLayer(group || L.featureGroup().addTo(map), readData(dataId) || {});
  }

  function outlineLayer(map, dataId) {
    var data = readData(dataId) || {};
    var style = data.style || {};
    var layer = L.geoJSON(null, { interactive: false, style: function () { return style; } });
    if (data.geometry) {
      try { layer.addData(data.geometry); } catch (err) { logError('contour invalide', err); }
    }
    return layer;
  }

  /* ---------------------------------------------------------------- the searched place */

  /* Above the markers and clusters (markerPane 600), below tooltips (650) and popups (700). */
  var SEARCHED_PANE = 'cptsSearchedPane';

  var SearchedIcon = L.DivIcon.extend({
    options: { html: '', iconSize: [34, 44], iconAnchor: [17, 42], popupAnchor: [0, -40], tooltipAnchor: [0, -30] },
    createIcon: function (oldIcon) {
      var div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      var pin = el('span', 'cpts-searched-pin');
      pin.appendChild(glyph('fa-house-user'));
      div.appendChild(pin);
      return div;
    }
  });

  function searchedPlace(map, dataId) {
    var data = readData(dataId) || {};
    if (!isNumber(data.la) || !isNumber(data.lo)) { return L.layerGroup(); }
    if (!map.getPane(SEARCHED_PANE)) { map.createPane(SEARCHED_PANE).style.zIndex = '640'; }
    var name = data.name || '';
    var label = data.label ? name + ' : ' + data.label : name;
    var marker = L.marker([data.la, data.lo], {
      icon: new SearchedIcon({ className: 'cpts-searched' }),
      pane: SEARCHED_PANE, title: label, alt: label, zIndexOffset: 1000, keyboard: true
    });
    marker.bindTooltip(function () {
      var box = el('div', 'cpts-tooltip-body');
      box.appendChild(el('strong', 'cpts-tooltip-title', name));
      if (data.label) { box.appendChild(el('p', null, data.label)); }
      return box;
    }, { direction: 'top', className: 'cpts-tooltip cpts-searched-tooltip' });
    marker.on('add', function () {
      var icon = marker.getElement();
      if (icon) { icon.setAttribute('aria-label', label); }
    });
    return marker;
  }

  /* ---------------------------------------------------------------- territories, coverage */

  function populationText(prefix, n) {
    return prefix + (isNumber(n) ? formatInt(n) + ' hab.' : 'inconnue');
  }

  var TOOLTIPS = {
    territory: function (p) {
      var box = el('div', 'cpts-tooltip-body');
      box.appendChild(el('strong', 'cpts-tooltip-title', p.name));
      box.appendChild(el('p', null, p.status));
      box.appendChild(el('p', null, populationText('Population : ', p.population)));
      return box;
    },
    overlap: function (p) {
      var box = el('div', 'cpts-tooltip-body');
      box.appendChild(el('strong', 'cpts-tooltip-title', 'Chevauchement'));
      box.appendChild(el('p', null, '\u00ab\u00a0' + (p.a || '?') + '\u00a0\u00bb et \u00ab\u00a0' + (p.b || '?') + '\u00a0\u00bb'));
      var population = populationText('Population concernée : ', p.population);
      if (p.estimated && isNumber(p.population)) { population += ' (estimation au prorata des surfaces)'; }
      box.appendChild(el('p', null, population));
      if (isNumber(p.areaKm2)) { box.appendChild(el('p', null, 'Surface : ' + formatDecimal(p.areaKm2) + ' km²')); }
      return box;
    },
    coverage: function (p) {
      var box = el('div', 'cpts-tooltip-body');
      box.appendChild(el('strong', 'cpts-tooltip-title', (p.nom || '') + (p.code ? ' (' + p.code + ')' : '')));
      box.appendChild(el('p', null, populationText('Population : ', p.population)));
      var n = isNumber(p.n) ? p.n : 0;
      var text = n === 0 ? 'Aucune CPTS (zone blanche)'
        : n === 1 ? 'Couverte par une CPTS'
          : 'Revendiquée par ' + n + ' CPTS';
      box.appendChild(el('p', null, text));
      if (p.cpts && p.cpts.length) {
        var list = el('ul', 'cpts-tooltip-list');
        for (var i = 0; i < p.cpts.length; i++) { list.appendChild(el('li', null, p.cpts[i])); }
        box.appendChild(list);
      }
      return box;
    }
  };

  function pane(map, spec) {
    if (!spec || typeof spec.name !== 'string' || !PANE_NAME.test(spec.name)) { return null; }
    if (!map.getPane(spec.name)) {
      var node = map.createPane(spec.name);
      if (isNumber(spec.zIndex)) { node.style.zIndex = String(spec.zIndex); }
    }
    map._cptsRenderers = map._cptsRenderers || {};
    if (!map._cptsRenderers[spec.name]) {
      map._cptsRenderers[spec.name] = map.options.preferCanvas
        ? L.canvas({ pane: spec.name }) : L.svg({ pane: spec.name });
    }
    return { name: spec.name, renderer: map._cptsRenderers[spec.name] };
  }

  function areaLayer(map, dataId) {
    var data = readData(dataId) || {};
    var base = data.style || {};
    var hover = L.extend({}, base, {
      weight: (isNumber(base.weight) ? base.weight : 2) + 2,
      fillOpacity: Math.min((isNumber(base.fillOpacity) ? base.fillOpacity : 0.3) + 0.2, 0.9)
    });
    var tooltip = TOOLTIPS[data.kind] || TOOLTIPS.territory;
    var options = {
      style: function () { return base; },
      onEachFeature: function (feature, layer) {
        var properties = feature.properties || {};
        layer.bindTooltip(function () { return tooltip(properties); }, { sticky: true, className: 'cpts-tooltip' });
        layer.on('mouseover', function () { layer.setStyle(hover); });
        layer.on('mouseout', function () { layer.setStyle(base); });
      }
    };
    var target = pane(map, data.pane);
    if (target) { options.pane = target.name; options.renderer = target.renderer; }
    var layer = L.geoJSON(null, options);
    var features = (data.features && data.features.features) || [];
    for (var i = 0; i < features.length; i++) {
      try { layer.addData(features[i]); } catch (err) { logError('géométrie invalide ignorée', err); }
    }
    return layer;
  }

  /* ---------------------------------------------------------------- legend / notice */

  function legend(map, dataId) {
    var data = readData(dataId) || {};
    var control = L.control({ position: 'bottomright' });
    control.onAdd = function () {
      var box = el('div', 'cpts-legend');
      if (data.title) { box.appendChild(el('h2', 'cpts-legend-title', data.title)); }
      var items = data.items || [];
      if (items.length) {
        var list = el('ul', 'cpts-legend-items');
        for (var i = 0; i < items.length; i++) {
          var item = items[i] || {};
          var li = el('li', 'cpts-legend-item');
          var swatch = el('span', 'cpts-legend-swatch');
          swatch.setAttribute('aria-hidden', 'true');
          if (HEX_COLOR.test(item.color || '')) { swatch.style.backgroundColor = item.color; }
          if (HEX_COLOR.test(item.stroke || '')) { swatch.style.borderColor = item.stroke; }
          li.appendChild(swatch);
          li.appendChild(el('span', 'cpts-legend-label', item.label));
          if (item.detail) { li.appendChild(el('span', 'cpts-legend-detail', item.detail)); }
          list.appendChild(li);
        }
        box.appendChild(list);
      }
      var notes = data.notes || [];
      for (var j = 0; j < notes.length; j++) { box.appendChild(el('p', 'cpts-legend-note', notes[j])); }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
    return control;
  }

  window.CartoCPTS = {
    professionCluster: professionCluster,
    professionLayer: professionLayer,
    outlineLayer: outlineLayer,
    areaLayer: areaLayer,
    legend: legend,
    searchedPlace: searchedPlace,
    professionalPopup: professionalPopup
  };
}(window, document));
