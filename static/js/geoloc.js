/* « Près de moi » : fills the search form's lat/lon from the browser's geolocation and submits.
   The form works without this script (address typed, geocoded by the server). */
(function () {
  "use strict";
  var button = document.getElementById("pres-de-moi");
  if (!button || !("geolocation" in navigator)) { return; }
  var wrapper = button.parentNode;
  var status = document.getElementById("geoloc-etat");
  var form = button.form;
  /* The words come from the page (data-*), in its language. */
  function say(key, fallback) { status.textContent = status.getAttribute("data-" + key) || fallback; }
  wrapper.hidden = false;
  button.addEventListener("click", function () {
    say("searching", "Recherche de votre position…");
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(5);
      form.elements.lon.value = pos.coords.longitude.toFixed(5);
      form.elements.adresse.value = "";
      say("found", "Position trouvée : recherche en cours…");
      form.submit();
    }, function () {
      button.disabled = false;
      say("failed", "Position indisponible : saisissez plutôt une adresse.");
      form.elements.adresse.focus();
    }, {enableHighAccuracy: false, timeout: 10000, maximumAge: 300000});
  });
  /* Typing an address replaces a position found earlier. */
  form.elements.adresse.addEventListener("input", function () {
    form.elements.lat.value = "";
    form.elements.lon.value = "";
  });
}());
