/* The search page: a shareable address (the "Liste | Carte" switch is view-toggle.js).

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
}());
