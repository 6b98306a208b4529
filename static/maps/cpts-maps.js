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
 * (if it differs from the layer's), la/lo lat/lon, t town, d distance to the searched place (m),
 * c competencies, a address, p phone, np accepts new patients (absent: unknown), s next opening
 * (ISO start, or {at, e: end "HH:MM", now}), st stale, z zone URL.
 *
 * No user-visible word is written here: the builders send the map's words, in the page's
 * language, in the "setup" block (mapper/maps/texts.py); dates and numbers are formatted with
 * Intl in the language of <html lang>.
 *
 * Small screens (a map under 600 px wide): a tapped professional opens in a bottom sheet
 * (a fixed panel at the bottom of the viewport, closable, focus managed) rather than a popup.
 * Layers and legend sit behind one button; the attribution keeps clear of the scale.
 */
(function (window, document) {
  'use strict';

  var L = window.L;
  var LANG = document.documentElement.getAttribute('lang') || 'fr';
  /* Intl.NumberFormat is made on first need: building one loads the locale's ICU data, 0.1 to
     0.25 s of a throttled phone's main thread before the map could answer. The languages the
     project ships write integers with Latin digits grouped by three (French with a narrow
     no-break space, English with a comma: what Intl gives for them, CLDR's data), so a first
     view's cluster counts need no Intl; another language always goes through Intl. */
  var NUMBER = null;
  var GROUP = { fr: '\u202f', en: ',' }[LANG.split('-')[0].toLowerCase()] || null;
  /* Below this map width a professional opens in a bottom sheet rather than a popup. */
  var SMALL_MAP = 600;
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
    if (GROUP !== null && isFinite(value)) {
      return (value < 0 ? '-' : '') + String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, GROUP);
    }
    if (NUMBER === null) {
      try { NUMBER = new window.Intl.NumberFormat(LANG); } catch (err) { NUMBER = false; }
    }
    return NUMBER ? NUMBER.format(value) : String(value);
  }

  function formatDecimal(n) {
    var value = Number(n);
    try { return value.toLocaleString(LANG, { maximumFractionDigits: 1 }); } catch (err) { return value.toFixed(1); }
  }

  function isNumber(n) { return typeof n === 'number' && isFinite(n); }

  /* The map's words (setup block), with {placeholders} filled; a missing word shows its key. */
  function tr(map, key, params) {
    var texts = (map && map.cptsTexts) || {};
    var text = typeof texts[key] === 'string' ? texts[key] : key;
    if (params) {
      for (var name in params) {
        if (Object.prototype.hasOwnProperty.call(params, name)) { text = text.split('{' + name + '}').join(String(params[name])); }
      }
    }
    return text;
  }

  function formatDate(date, options) {
    try { return date.toLocaleString(LANG, options); } catch (err) { return date.toISOString(); }
  }

  /* The next opening: "Ouvert maintenant jusqu'à 20:00" or "Prochaine ouverture : lundi 7
     décembre, 14:00–20:00"; an ISO start alone gets its date and time; other text as given. */
  function formatOpening(map, slot) {
    var at = typeof slot === 'string' ? slot : (slot && slot.at) || '';
    var end = slot && typeof slot === 'object' && slot.e ? String(slot.e) : '';
    if (slot && slot.now) { return end ? tr(map, 'openUntil', { end: end }) : tr(map, 'openNow'); }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(at)) { return at ? tr(map, 'nextOpening', { when: at }) : ''; }
    var date = new Date(at);
    if (isNaN(date.getTime())) { return tr(map, 'nextOpening', { when: at }); }
    var when = formatDate(date, { weekday: 'long', day: 'numeric', month: 'long' }) + ', ' +
      formatDate(date, { hour: '2-digit', minute: '2-digit' }) + (end ? '\u2013' + end : '');
    return tr(map, 'nextOpening', { when: when });
  }

  function formatDistance(map, metres) {
    if (metres < 1000) { return tr(map, 'm', { n: formatInt(Math.max(10, Math.round(metres / 10) * 10)) }); }
    return tr(map, 'km', { n: metres < 10000 ? formatDecimal(metres / 1000) : formatInt(metres / 1000) });
  }

  function isSmall(map) { return map.getSize().x < SMALL_MAP; }

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
      button.textContent = tr(self.map, shown ? 'hideZone' : 'showZone');
      button.setAttribute('aria-pressed', shown ? 'true' : 'false');
    }

    button.addEventListener('click', function () {
      status.textContent = '';
      if (self.isShown(key)) { self.hide(key); refresh(); return; }
      button.disabled = true;
      status.textContent = tr(self.map, 'loading');
      self.show(key, source, profession).then(function () {
        status.textContent = '';
      }, function (err) {
        logWarning('zone d\u2019intervention indisponible', err);
        status.textContent = tr(self.map, 'zoneUnavailable');
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

  var popupCount = 0;

  function professionalPopup(map, d, profession, zones, links) {
    var root = el('div', 'cpts-popup');
    var name = el('h3', 'cpts-popup-name', d.n || tr(map, 'professional'));
    name.id = 'cpts-popup-' + (++popupCount);
    name.tabIndex = -1;
    root.appendChild(name);
    root.appendChild(el('p', 'cpts-popup-profession', d.l || profession.label));
    if (d.t || isNumber(d.d)) {
      var place = el('p', 'cpts-popup-town');
      place.appendChild(glyph('fa-location-dot'));
      place.appendChild(document.createTextNode(' '));
      if (d.t) { place.appendChild(el('strong', null, d.t)); }
      if (isNumber(d.d)) {
        place.appendChild(el('span', 'cpts-popup-distance', (d.t ? ' \u00b7 ' : '') + tr(map, 'distance', { distance: formatDistance(map, d.d) })));
      }
      root.appendChild(place);
    }
    if (d.st) { root.appendChild(row('cpts-popup-stale', 'fa-triangle-exclamation', tr(map, 'stale'))); }
    var opening = d.s ? formatOpening(map, d.s) : '';
    if (opening) { root.appendChild(row('cpts-popup-slot' + (d.s.now ? ' cpts-yes' : ''), 'fa-calendar-check', opening)); }
    if (d.np === true) {
      root.appendChild(row('cpts-popup-patients cpts-yes', 'fa-circle-check', tr(map, 'acceptsNew')));
    } else if (d.np === false) {
      root.appendChild(row('cpts-popup-patients cpts-no', 'fa-circle-xmark', tr(map, 'refusesNew')));
    }
    if (d.a) { root.appendChild(row('cpts-popup-address', 'fa-map-pin', d.a)); }
    if (d.p) {
      var phone = el('p', 'cpts-popup-phone');
      var call = el('a', null, d.p);
      call.href = 'tel:' + String(d.p).replace(/[^0-9+]/g, '');
      call.setAttribute('aria-label', tr(map, 'call', { phone: d.p }));
      phone.appendChild(glyph('fa-phone'));
      phone.appendChild(document.createTextNode(' '));
      phone.appendChild(call);
      root.appendChild(phone);
    }
    if (d.c && d.c.length) {
      root.appendChild(el('p', 'cpts-popup-heading', tr(map, 'competencies')));
      var list = el('ul', 'cpts-popup-competencies');
      for (var i = 0; i < d.c.length; i++) { list.appendChild(el('li', null, d.c[i])); }
      root.appendChild(list);
    }
    var actions = el('div', 'cpts-popup-actions');
    if (links.template && d.i !== undefined && d.i !== null) {
      var more = el('a', 'cpts-popup-link', tr(map, 'details'));
      more.href = links.template.split('{id}').join(encodeURIComponent(String(d.i)));
      more.setAttribute('aria-label', tr(map, 'detailsOf', { name: d.n || tr(map, 'professional') }));
      if (links.newWindow) { more.target = '_blank'; more.rel = 'noopener'; }
      actions.appendChild(more);
    }
    var zone = zones.control(d, profession);
    if (zone) { actions.appendChild(zone); }
    if (actions.firstChild) { root.appendChild(actions); }
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

  /* A cluster: a ring in the colours of the professions it holds (shares by count), the count
     in the middle, and a title naming them: "12 professionnels : 8 médecins, 4 infirmiers". */
  var ClusterIcon = L.DivIcon.extend({
    options: { html: '', iconSize: [44, 44], className: 'marker-cluster cpts-cluster', ring: '', count: '', label: '' },
    createIcon: function (oldIcon) {
      var div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      div.style.background = this.options.ring;
      div.setAttribute('title', this.options.label);
      div.setAttribute('aria-label', this.options.label);
      div.appendChild(el('span', 'cpts-cluster-count', this.options.count));
      return div;
    }
  });

  /* A cluster = {count, counts: {profession code: n}, professions: {code: profession}}. */
  function clusterIconFactory(map) {
    return function (cluster) {
      var order = Object.keys(cluster.counts);
      order.sort(function (a, b) { return cluster.counts[b] - cluster.counts[a]; });
      var total = cluster.count;
      var stops = [];
      var parts = [];
      var start = 0;
      for (var j = 0; j < order.length; j++) {
        var n = cluster.counts[order[j]];
        var profession = cluster.professions[order[j]] || {};
        var color = HEX_COLOR.test(profession.color || '') ? profession.color : '#5f6b73';
        var end = start + n / total;
        stops.push(color + ' ' + (start * 360).toFixed(1) + 'deg ' + (end * 360).toFixed(1) + 'deg');
        start = end;
        parts.push(formatInt(n) + ' ' + (n > 1 ? profession.many || '' : profession.one || ''));
      }
      var label = tr(map, total > 1 ? 'clusterMany' : 'clusterOne', { n: formatInt(total), list: parts.join(', ') });
      return new ClusterIcon({ ring: 'conic-gradient(' + stops.join(', ') + ')', count: formatInt(total), label: label });
    };
  }

  function addAll(group, layers) {
    if (typeof group.addLayers === 'function') { group.addLayers(layers); return; }
    for (var i = 0; i < layers.length; i++) { group.addLayer(layers[i]); }
  }

  function removeAll(group, layers) {
    if (typeof group.removeLayers === 'function') { group.removeLayers(layers); return; }
    for (var i = 0; i < layers.length; i++) { group.removeLayer(layers[i]); }
  }

  /* A professional of a profession layer before it is shown: its point and data. The cluster
     group (cpts-cluster.js, cptsLazy) asks for its Leaflet marker only when it comes into
     view, so a CPTS of 5 000 members builds the few dozen markers of its first view, not
     5 000 (each L.marker is options, events and objects: ~0.3 s of a throttled phone). */
  function Entry(data, profession, icon, title) {
    this.cptsData = data;
    this.cptsProfession = profession;
    this.cptsLat = data.la;
    this.cptsLng = data.lo;
    this._icon = icon;
    this._title = title;
    this._marker = null;
  }

  Entry.prototype.cptsMarker = function () {
    if (!this._marker) {
      var marker = L.marker([this.cptsLat, this.cptsLng], { icon: this._icon, title: this._title, alt: this._title, riseOnHover: true });
      marker.cptsData = this.cptsData;
      marker.cptsProfession = this.cptsProfession;
      this._marker = marker;
    }
    return this._marker;
  };

  function markersOf(entries) {
    return entries.map(function (entry) { return entry.cptsMarker(); });
  }

  /* The professionals of one profession, added to / removed from the shared cluster group in
     bulk (as entries to a lazy group, as markers to any other). */
  var ProfessionLayer = L.Layer.extend({
    initialize: function (group, data) {
      this._group = group;
      this._entries = [];
      var label = data.label || '';
      var profession = { code: data.code, label: label, color: data.color, one: data.one || label, many: data.many || label };
      var colorClass = safeClass(data.colorClass);
      var icon = new ProfessionIcon({ className: 'cpts-marker ' + colorClass, glyph: data.icon });
      var staleIcon = new ProfessionIcon({ className: 'cpts-marker cpts-marker-stale ' + colorClass, glyph: data.icon });
      var list = data.markers || [];
      for (var i = 0; i < list.length; i++) {
        var d = list[i];
        if (!d || !isNumber(d.la) || !isNumber(d.lo)) { continue; }
        var title = d.n ? d.n + ' \u2013 ' + (d.l || label) : (d.l || label);
        this._entries.push(new Entry(d, profession, d.st ? staleIcon : icon, title));
      }
    },
    _members: function () { return this._group.cptsLazy ? this._entries : markersOf(this._entries); },
    onAdd: function () { addAll(this._group, this._members()); },
    onRemove: function () { removeAll(this._group, this._members()); },
    getLayers: function () { return markersOf(this._entries); }
  });

  /* Room the controls take at each edge of the map, so a popup is panned clear of them. */
  function controlMargins(map) {
    var corners = map._controlCorners || {};
    function height(name) { return corners[name] ? corners[name].offsetHeight : 0; }
    return {
      top: Math.max(height('topleft'), height('topright')) + 10,
      bottom: Math.max(height('bottomleft'), height('bottomright')) + 10
    };
  }

  function selectMarker(marker, on) {
    var icon = marker && marker.getElement && marker.getElement();
    if (icon) { icon.classList.toggle('cpts-marker-selected', on); }
  }

  /* Where a professional opens: a popup clear of the controls, or the bottom sheet. */
  function Details(map) {
    this.map = map;
    this.marker = null;
    this.returnFocus = null;
    this.popup = L.popup({
      maxWidth: 320, minWidth: 220, offset: [0, -8], autoPan: true, className: 'cpts-popup-container'
    });
    var self = this;
    map.on('popupclose', function (e) {
      if (e.popup !== self.popup) { return; }
      selectMarker(self.marker, false);
      self.restoreFocus(self.popup.getElement());
    });
    map.on('click', function () { self.closeSheet(); });
  }

  Details.prototype.restoreFocus = function (container) {
    var back = this.returnFocus;
    this.returnFocus = null;
    var active = document.activeElement;
    if (back && document.body.contains(back) && (!active || active === document.body || (container && container.contains(active)))) {
      back.focus();
    }
  };

  Details.prototype.open = function (marker, content, byKeyboard) {
    var map = this.map;
    map.fire('cptsdetailsopen');
    selectMarker(this.marker, false);
    this.marker = marker;
    this.returnFocus = byKeyboard ? marker.getElement() : document.activeElement;
    selectMarker(marker, true);
    if (isSmall(map)) {
      map.closePopup(this.popup);
      this.openSheet(marker, content);
      return;
    }
    this.closeSheet(true);
    var margins = controlMargins(map);
    var size = map.getSize();
    this.popup.options.autoPanPaddingTopLeft = L.point(12, margins.top);
    this.popup.options.autoPanPaddingBottomRight = L.point(12, margins.bottom);
    this.popup.options.maxHeight = Math.max(160, size.y - margins.top - margins.bottom - 40);
    this.popup.setLatLng(marker.getLatLng()).setContent(content).openOn(map);
    /* Panned inside the map, the popup may still stand above the page's scrolled viewport. */
    var popup = this.popup;
    window.setTimeout(function () {
      var node = popup.isOpen() && popup.getElement();
      if (!node) { return; }
      var r = node.getBoundingClientRect();
      if (r.top < 0 || r.bottom > window.innerHeight) { node.scrollIntoView({ block: 'nearest' }); }
    }, 350);
    if (byKeyboard) {
      var heading = content.querySelector('.cpts-popup-name');
      if (heading) { heading.focus({ preventScroll: true }); }
    }
  };

  Details.prototype.sheetElement = function () {
    if (this.sheet) { return this.sheet; }
    var self = this;
    var sheet = el('div', 'cpts-sheet');
    sheet.setAttribute('role', 'dialog');
    sheet.setAttribute('aria-modal', 'false');
    sheet.hidden = true;
    var close = el('button', 'cpts-sheet-close');
    close.type = 'button';
    close.setAttribute('aria-label', tr(this.map, 'close'));
    close.setAttribute('title', tr(this.map, 'close'));
    close.appendChild(glyph('fa-xmark'));
    close.addEventListener('click', function () { self.closeSheet(); });
    sheet.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' || e.keyCode === 27) { e.preventDefault(); self.closeSheet(); }
    });
    sheet.appendChild(close);
    sheet.appendChild(el('div', 'cpts-sheet-body'));
    document.body.appendChild(sheet);
    this.sheet = sheet;
    return sheet;
  };

  Details.prototype.openSheet = function (marker, content) {
    var sheet = this.sheetElement();
    var body = sheet.querySelector('.cpts-sheet-body');
    while (body.firstChild) { body.removeChild(body.firstChild); }
    body.appendChild(content);
    var heading = content.querySelector('.cpts-popup-name');
    if (heading) { sheet.setAttribute('aria-labelledby', heading.id); }
    sheet.hidden = false;
    sheet.scrollTop = 0;
    (heading || sheet).focus({ preventScroll: true });
    this.keepVisible(marker.getLatLng(), sheet);
  };

  /* Pan so the marker stays in the part of the map the sheet leaves visible. */
  Details.prototype.keepVisible = function (latlng, sheet) {
    var map = this.map;
    var box = map.getContainer().getBoundingClientRect();
    var top = Math.max(box.top, 0);
    var bottom = Math.min(box.bottom, sheet.getBoundingClientRect().top, window.innerHeight);
    if (bottom - top < 40) { return; }
    var point = map.latLngToContainerPoint(latlng);
    var y = box.top + point.y;
    if (y > top + 30 && y < bottom - 20) { return; }
    map.panBy([0, y - (top + bottom) / 2], { animate: true });
  };

  Details.prototype.closeSheet = function (silent) {
    if (!this.sheet || this.sheet.hidden) { return; }
    this.sheet.hidden = true;
    selectMarker(this.marker, false);
    if (!silent) { this.restoreFocus(this.sheet); }
  };

  /* A click (or Enter) on a cluster zooms to its markers but never closer than the cap (a
     100 m scale); at the cap, or when its markers share a place, it spreads them out. */
  function clusterClick(map, group, cap) {
    return function (e) {
      var keyboard = e.type === 'clusterkeypress';
      if (keyboard && !(e.originalEvent && (e.originalEvent.key === 'Enter' || e.originalEvent.keyCode === 13))) { return; }
      var cluster = e.layer.cptsCluster;
      var zoom = map.getZoom();
      var expansion = group.expansionZoom(cluster);
      if (zoom >= cap || expansion > map.getMaxZoom()) {
        var spread = group.spread(e.layer);
        if (keyboard && spread.length && spread[0].getElement()) { spread[0].getElement().focus(); }
        return;
      }
      var bounds = group.bounds(cluster);
      var target = Math.min(map.getBoundsZoom(bounds, false, L.point(60, 60)), cap);
      if (target <= zoom) {
        map.setView(e.layer.getLatLng(), Math.min(Math.max(expansion, zoom + 1), cap));
      } else {
        map.fitBounds(bounds, { maxZoom: cap, padding: [30, 30] });
      }
      if (keyboard) { map.getContainer().focus(); }
    };
  }

  function professionCluster(map, dataId) {
    var data = readData(dataId) || {};
    var cap = isNumber(data.zoomCap) ? data.zoomCap : 16;
    var group = typeof L.cptsClusterGroup === 'function'
      ? L.cptsClusterGroup({ radius: 50, coarseZoom: cap, iconCreate: clusterIconFactory(map) })
      : L.featureGroup();
    var zones = new ZoneToggler(map, data.zones, data.zoneUrlTemplate);
    var links = { template: typeof data.profileUrlTemplate === 'string' ? data.profileUrlTemplate : null, newWindow: Boolean(data.newWindow) };
    var details = new Details(map);
    function open(e, byKeyboard) {
      var marker = e.layer;
      if (!marker || !marker.cptsData) { return; }
      details.open(marker, professionalPopup(map, marker.cptsData, marker.cptsProfession, zones, links), byKeyboard);
    }
    group.on('click', function (e) { open(e, false); });
    /* Markers are focusable buttons: Enter opens the popup, as with Leaflet's bindPopup. */
    group.on('keypress', function (e) {
      if (e.originalEvent && (e.originalEvent.key === 'Enter' || e.originalEvent.keyCode === 13)) { open(e, true); }
    });
    if (typeof group.expansionZoom === 'function') {
      var onCluster = clusterClick(map, group, cap);
      group.on('clusterclick', onCluster);
      group.on('clusterkeypress', onCluster);
    }
    group.cptsZones = zones;
    group.cptsDetails = details;
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
    var name = data.name || tr(map, 'searched');
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

  function populationText(map, key, n) {
    return tr(map, key, { value: isNumber(n) ? tr(map, 'inhabitants', { n: formatInt(n) }) : tr(map, 'unknown') });
  }

  var TOOLTIPS = {
    territory: function (map, p) {
      var box = el('div', 'cpts-tooltip-body');
      box.appendChild(el('strong', 'cpts-tooltip-title', p.name));
      box.appendChild(el('p', null, p.status));
      box.appendChild(el('p', null, populationText(map, 'population', p.population)));
      return box;
    },
    overlap: function (map, p) {
      var box = el('div', 'cpts-tooltip-body');
      box.appendChild(el('strong', 'cpts-tooltip-title', tr(map, 'overlap')));
      box.appendChild(el('p', null, tr(map, 'overlapPair', { a: p.a || '?', b: p.b || '?' })));
      var population = populationText(map, 'populationAffected', p.population);
      if (p.estimated && isNumber(p.population)) { population += ' ' + tr(map, 'estimated'); }
      box.appendChild(el('p', null, population));
      if (isNumber(p.areaKm2)) { box.appendChild(el('p', null, tr(map, 'area', { value: formatDecimal(p.areaKm2) }))); }
      return box;
    },
    coverage: function (map, p) {
      var box = el('div', 'cpts-tooltip-body');
      box.appendChild(el('strong', 'cpts-tooltip-title', (p.nom || '') + (p.code ? ' (' + p.code + ')' : '')));
      box.appendChild(el('p', null, populationText(map, 'population', p.population)));
      var n = isNumber(p.n) ? p.n : 0;
      var text = n === 0 ? tr(map, 'noCpts') : n === 1 ? tr(map, 'oneCpts') : tr(map, 'manyCpts', { n: n });
      box.appendChild(el('p', null, text));
      if (p.cpts && p.cpts.length) {
        var list = el('ul', 'cpts-tooltip-list');
        for (var i = 0; i < p.cpts.length; i++) { list.appendChild(el('li', null, p.cpts[i])); }
        box.appendChild(list);
      }
      return box;
    },
    /* The diagnostic's choropleth: the commune, its population, its index (a text made by the
       server, shown as text). */
    diagnostic: function (map, p) {
      var box = el('div', 'cpts-tooltip-body');
      box.appendChild(el('strong', 'cpts-tooltip-title', (p.nom || '') + (p.code ? ' (' + p.code + ')' : '')));
      box.appendChild(el('p', null, populationText(map, 'population', p.population)));
      if (p.value) { box.appendChild(el('p', null, p.value)); }
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
    /* data.label: each feature's name as a permanent label (class cpts-area-label and
       data.labelClass) instead of the hover tooltip; data.interactive false: the shapes let
       the mouse through to the layers below (the checker's candidate above its overlaps). */
    var labelClass = 'cpts-tooltip cpts-area-label' + (safeClass(data.labelClass) ? ' ' + safeClass(data.labelClass) : '');
    var options = {
      style: function () { return base; },
      interactive: data.interactive !== false,
      onEachFeature: function (feature, layer) {
        var properties = feature.properties || {};
        if (data.label) {
          layer.bindTooltip(function () { return el('span', null, properties.name); },
            { permanent: true, direction: 'center', className: labelClass });
        } else {
          layer.bindTooltip(function () { return tooltip(map, properties); }, { sticky: true, className: 'cpts-tooltip' });
        }
        if (data.interactive === false) { return; }
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

  /* A legend joins the layers behind the "Légende" button (see arrange); a notice (data.notice,
     e.g. "nothing to show") stays on the map. */
  function legend(map, dataId) {
    var data = readData(dataId) || {};
    var control = L.control({ position: data.notice ? 'topright' : 'bottomright' });
    control.onAdd = function () {
      var box = el('div', data.notice ? 'cpts-legend cpts-notice' : 'cpts-legend');
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
          if (/^(solid|dashed|dotted|double)$/.test(item.border || '')) {
            swatch.style.borderStyle = item.border;
            swatch.style.borderWidth = item.border === 'double' ? '4px' : '2px';
          }
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

  /* ---------------------------------------------------------------- controls: one button */

  /* The layer control and the legends, moved into one panel behind a button (top right):
     collapsed at first, a disclosure (aria-expanded) opened and closed by click, Enter or
     Space, closed by Escape (focus back on the button), by the close button, by a click on the
     map and when a professional opens. */
  var Panel = L.Control.extend({
    options: { position: 'topright' },
    initialize: function (parts, options) {
      L.setOptions(this, options);
      this._parts = parts;
    },
    onAdd: function (map) {
      var self = this;
      var id = 'cpts-panel-' + L.stamp(map);
      var box = el('div', 'leaflet-control cpts-panel-control');
      var button = el('button', 'cpts-panel-toggle');
      button.type = 'button';
      button.setAttribute('aria-expanded', 'false');
      button.setAttribute('aria-controls', id);
      button.appendChild(glyph('fa-layer-group'));
      button.appendChild(el('span', 'cpts-panel-toggle-text', tr(map, 'legendButton')));
      var panel = el('div', 'cpts-panel');
      panel.id = id;
      panel.hidden = true;
      panel.setAttribute('role', 'group');
      panel.setAttribute('aria-label', tr(map, 'legendButton'));
      var close = el('button', 'cpts-panel-close');
      close.type = 'button';
      close.setAttribute('aria-label', tr(map, 'close'));
      close.setAttribute('title', tr(map, 'close'));
      close.appendChild(glyph('fa-xmark'));
      panel.appendChild(close);
      for (var i = 0; i < this._parts.length; i++) { panel.appendChild(this._parts[i]); }
      box.appendChild(button);
      box.appendChild(panel);
      button.addEventListener('click', function () { self.toggle(!self.isOpen()); });
      close.addEventListener('click', function () { self.toggle(false, true); });
      box.addEventListener('keydown', function (e) {
        if ((e.key === 'Escape' || e.keyCode === 27) && self.isOpen()) {
          e.preventDefault();
          L.DomEvent.stopPropagation(e);
          self.toggle(false, true);
        }
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      map.on('click cptsdetailsopen', function () { self.toggle(false); });
      map.on('resize', function () { self.fit(); });
      this._button = button;
      this._panel = panel;
      return box;
    },
    isOpen: function () { return !this._panel.hidden; },
    fit: function () {
      var size = this._map.getSize();
      this._panel.style.maxHeight = Math.max(120, size.y - 70) + 'px';
      this._panel.style.maxWidth = Math.max(160, size.x - 24) + 'px';
    },
    toggle: function (open, focusButton) {
      if (open === this.isOpen()) { return; }
      this._panel.hidden = !open;
      this._button.setAttribute('aria-expanded', open ? 'true' : 'false');
      this._container.classList.toggle('cpts-panel-open', open);
      if (open) { this.fit(); }
      if (!open && focusButton) { this._button.focus(); }
    }
  });

  /* Folium adds the layer control expanded (collapsed=False), and Leaflet's expand() measures
     the map to size the list: a forced layout in the middle of the page's script (~80 ms of a
     throttled phone), for a list that arrange() then moves into the panel, which sizes itself.
     Expanded by its class alone. */
  L.Control.Layers.include({
    _expandIfNotCollapsed: function () {
      if (this._map && !this.options.collapsed) {
        L.DomUtil.addClass(this._container, 'leaflet-control-layers-expanded');
      }
      return this;
    }
  });

  /* The attribution (bottom right) wraps rather than running over the scale (bottom left). */
  function fitAttribution(map) {
    var container = map.getContainer();
    var attribution = container.querySelector('.leaflet-control-attribution');
    if (!attribution) { return; }
    var scale = container.querySelector('.leaflet-control-scale');
    var taken = scale ? scale.offsetWidth + 24 : 12;
    attribution.style.maxWidth = Math.max(90, map.getSize().x - taken - 12) + 'px';
  }

  function arrange(map) {
    var container = map.getContainer();
    var parts = [];
    var legends = container.querySelectorAll('.cpts-legend:not(.cpts-notice)');
    for (var i = 0; i < legends.length; i++) { parts.push(legends[i]); }
    var layers = container.querySelector('.leaflet-control-layers');
    if (layers) { parts.push(layers); }
    if (parts.length) { map.cptsPanel = new Panel(parts).addTo(map); }
    fitAttribution(map);
    map.on('resize', function () { fitAttribution(map); });
    container.classList.add('cpts-arranged');
  }

  /* First element of every map: its words, then (once Folium's script has added every layer
     and control) the controls arranged. */
  function setup(map, dataId) {
    var data = readData(dataId) || {};
    map.cptsTexts = data.texts || {};
    map.getContainer().classList.add('cpts-map');
    window.setTimeout(function () { arrange(map); }, 0);
    return null;
  }

  /* ---------------------------------------------------------------- permanences (maps/permanences.py)

     placeLayer: one keyboard-reachable marker per place, its popup lists the upcoming dates
     (data.places: n name, a address, la/lo, w when lines, m appointment, p phone); gapLayer:
     the communes without a permanence near, shaded by population class (data.styles[cls]).
     Both carry their own words (data.texts). */

  function trText(texts, key, params) {
    var text = typeof (texts || {})[key] === 'string' ? texts[key] : key;
    for (var name in (params || {})) {
      if (Object.prototype.hasOwnProperty.call(params, name)) { text = text.split('{' + name + '}').join(String(params[name])); }
    }
    return text;
  }

  function formatNumber(n, digits) {
    try { return Number(n).toLocaleString(LANG, { maximumFractionDigits: digits }); } catch (err) { return String(n); }
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
      var call = el('a', 'cpts-popup-call', trText(texts, 'call', { phone: p.p }));
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
      var pop = trText(texts, 'population', { n: formatNumber(p.population, 0) });
      if (p.estimated) { pop += ' ' + trText(texts, 'estimated'); }
      box.appendChild(el('p', null, pop));
    }
    box.appendChild(el('p', null, isNumber(p.nearest) ? trText(texts, 'nearest', { km: formatNumber(p.nearest, 1) }) : trText(texts, 'none')));
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

  window.CartoCPTS = {
    setup: setup,
    professionCluster: professionCluster,
    professionLayer: professionLayer,
    outlineLayer: outlineLayer,
    areaLayer: areaLayer,
    legend: legend,
    searchedPlace: searchedPlace,
    professionalPopup: professionalPopup,
    placeLayer: placeLayer,
    gapLayer: gapLayer,
    /* For the other map scripts (cpts-territories.js): the same safe helpers. */
    util: { el: el, tr: tr, readData: readData, formatInt: formatInt, formatDecimal: formatDecimal,
            isNumber: isNumber, pane: pane, populationText: populationText, logError: logError,
            HEX_COLOR: HEX_COLOR }
  };
}(window, document));
