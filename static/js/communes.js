/* Commune autocomplete for the territory forms: suggestions from GET /api/v1/communes?q=,
   the chosen commune appended as « Nom (code) » to the list. The textarea works without this
   script (names and codes are resolved by the server). Also wires the « Imprimer » buttons. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".js-print"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
  var box = document.getElementById("commune-autocomplete");
  if (!box || !window.fetch) { return; }
  var input = document.getElementById("commune-recherche");
  var list = document.getElementById("commune-suggestions");
  var add = document.getElementById("commune-ajouter");
  var state = document.getElementById("commune-etat");
  var target = document.getElementById(box.getAttribute("data-target") || "communes");
  var timer = null, last = "";
  box.hidden = false;

  function suggest() {
    var q = input.value.trim();
    if (q.length < 2 || q === last || /\(\w{5}\)$/.test(q)) { return; }
    last = q;
    fetch("/api/v1/communes?geometry=false&limit=10&q=" + encodeURIComponent(q),
          {headers: {"Accept": "application/geo+json"}})
      .then(function (r) { return r.ok ? r.json() : {features: []}; })
      .then(function (fc) {
        list.textContent = "";
        fc.features.forEach(function (feat) {
          var o = document.createElement("option");
          o.value = feat.properties.nom + " (" + feat.properties.code + ")";
          list.appendChild(o);
        });
        state.textContent = (state.getAttribute(fc.features.length > 1 ? "data-many" : "data-one")
          || "{n} suggestion(s)").replace("{n}", fc.features.length);
      })
      .catch(function () { state.textContent = ""; });
  }

  function append() {
    var value = input.value.trim();
    if (!value) { return; }
    var current = target.value.replace(/\s+$/, "");
    target.value = (current ? current + "\n" : "") + value;
    state.textContent = (state.getAttribute("data-added") || "{name} ajoutée à la liste.")
      .replace("{name}", value);
    input.value = "";
    last = "";
    input.focus();
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); append(); }
  });
  add.addEventListener("click", append);
}());
