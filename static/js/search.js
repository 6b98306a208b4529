/* The search page: a shareable address and, on a phone, a "Liste | Carte" switch.

   On submit, empty fields are left out of the query string, so the address of a search is
   short enough to read, share or print (/recherche?adresse=…&profession=10). Without this
   script the form sends every field, which the server reads the same way.

   The switch: without this script (or on a wide screen, where list and map stand side by
   side) both are shown. */
(function () {
  "use strict";
  document.querySelectorAll("form.search-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && !field.disabled && field.value === "" &&
            (field.tagName === "SELECT" || field.type === "text" || field.type === "hidden" ||
             field.type === "search" || field.type === "datetime-local")) {
          field.disabled = true;
          /* Back on this page (bfcache), the fields must work again. */
          window.addEventListener("pageshow", function () { field.disabled = false; },
                                  { once: true });
        }
      });
    });
  });

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
