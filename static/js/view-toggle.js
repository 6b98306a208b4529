/* Carto CPTS — "Liste | Carte" on narrow screens, for the search results and the widget.

   A group of buttons with data-view-target="<id>" switches the data-view attribute of that
   element between its buttons' data-view values ("liste", "carte"); the page's CSS shows one
   or the other on a phone and both side by side on a wide screen. Without this script the
   group stays hidden and both are shown. Leaflet measures its container when shown: a resize
   event tells it the size changed. */
(function () {
  "use strict";
  document.querySelectorAll("[data-view-target]").forEach(function (toggle) {
    var target = document.getElementById(toggle.getAttribute("data-view-target"));
    if (!target) { return; }
    var buttons = toggle.querySelectorAll("button[data-view]");
    function show(view) {
      target.setAttribute("data-view", view);
      buttons.forEach(function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-view") === view ? "true" : "false");
      });
      if (view === "carte") { window.dispatchEvent(new Event("resize")); }
    }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () { show(b.getAttribute("data-view")); });
    });
    toggle.hidden = false;
    show(target.getAttribute("data-view") || "liste");
  });
}());
