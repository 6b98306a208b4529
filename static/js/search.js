/* The search results on a phone: a "Liste | Carte" switch. Without this script (or on a wide
   screen, where list and map stand side by side) both are shown. */
(function () {
  "use strict";
  var toggle = document.querySelector(".view-toggle");
  var layout = document.querySelector(".results-layout");
  if (!toggle || !layout) { return; }
  toggle.hidden = false;
  var buttons = toggle.querySelectorAll("button[data-view]");
  function show(view) {
    layout.setAttribute("data-view", view);
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-view") === view ? "true" : "false");
    });
    if (view === "carte") {
      /* Leaflet measures its container when shown: tell it the size changed. */
      window.dispatchEvent(new Event("resize"));
    }
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { show(b.getAttribute("data-view")); });
  });
}());
