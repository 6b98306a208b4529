/* The public page of a professional: the "Imprimer la fiche" button (the page prints without
   it, from the browser's menu; the button only shows when this script runs). */
(function () {
  "use strict";
  var button = document.getElementById("imprimer");
  if (!button || typeof window.print !== "function") { return; }
  button.parentNode.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());

/* Printing changes the map's size: tell Leaflet, then fit the sites and the zone again, so the
   printed map shows them whole. Folium declares each map as a global ``map_<id>``. */
(function () {
  "use strict";
  var L = window.L;
  if (!L || !L.Map) { return; }
  function refit(map) {
    var bounds = L.latLngBounds([]);
    map.invalidateSize({ animate: false });
    map.eachLayer(function (layer) {
      if (typeof layer.getBounds === "function") {
        var b = layer.getBounds();
        if (b && b.isValid && b.isValid()) { bounds.extend(b); }
      } else if (typeof layer.getLatLng === "function") {
        bounds.extend(layer.getLatLng());
      }
    });
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10], maxZoom: 15, animate: false }); }
  }
  function resize() {
    Object.keys(window).forEach(function (key) {
      if (/^map_[0-9a-f]+$/.test(key) && window[key] instanceof L.Map) {
        refit(window[key]);
      }
    });
  }
  window.addEventListener("beforeprint", resize);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) { print.addEventListener("change", resize); }
  }
}());
