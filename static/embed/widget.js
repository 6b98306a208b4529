/* Carto CPTS: the one-line widget of a CPTS for its website.
 *
 *   <script src="https://<service>/static/embed/widget.js" data-cpts="<slug>" async></script>
 *
 * Puts the widget's iframe right after this script and sizes it to its content: the widget
 * posts its height ({type: "cpts-widget:height", height}) on load and whenever it changes.
 * Only messages from this service's origin AND from this iframe's own window are heeded, and
 * the height stays between MIN and MAX pixels. Options (all optional):
 *   data-professions="10,60"  professions offered (codes)
 *   data-couleur="#1d4f91"    colour (else the CPTS's own)
 *   data-filtres="…"          search parameters the widget opens with (query string)
 *   data-hauteur="600"        height before the widget has measured itself
 *   data-titre="…"            the iframe's title (its accessible name)
 *   data-widget="permanences" the CPTS's upcoming permanences instead of its professionals
 */
(function () {
  "use strict";
  var MIN = 320, MAX = 4000, DEFAULT = 600;
  var script = document.currentScript;
  if (!script || !script.getAttribute("data-cpts") || script.getAttribute("data-cpts-done")) {
    return;
  }
  script.setAttribute("data-cpts-done", "1");
  var origin = new URL(script.src, document.baseURI).origin;

  function clamp(n) { return Math.max(MIN, Math.min(MAX, Math.round(n))); }

  var query = new URLSearchParams(script.getAttribute("data-filtres") || "");
  var params = new URLSearchParams();
  var professions = script.getAttribute("data-professions");
  var colour = script.getAttribute("data-couleur");
  if (professions) { params.append("choix", professions); }
  if (colour) { params.append("couleur", colour); }
  query.forEach(function (value, key) { params.append(key, value); });
  var src = origin + "/embed/cpts/" + encodeURIComponent(script.getAttribute("data-cpts")) +
    (script.getAttribute("data-widget") === "permanences" ? "/permanences" : "");
  if (params.toString()) { src += "?" + params.toString(); }

  var height = parseInt(script.getAttribute("data-hauteur"), 10);
  var iframe = document.createElement("iframe");
  iframe.src = src;
  iframe.title = script.getAttribute("data-titre") || "Professionnels de santé de la CPTS";
  iframe.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
  iframe.setAttribute("class", "cpts-widget");
  iframe.style.cssText = "display:block;width:100%;border:0;height:" +
    clamp(isNaN(height) ? DEFAULT : height) + "px";
  script.parentNode.insertBefore(iframe, script.nextSibling);

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== iframe.contentWindow) { return; }
    var data = event.data;
    if (!data || data.type !== "cpts-widget:height") { return; }
    var h = Number(data.height);
    if (!isFinite(h) || h <= 0) { return; }
    iframe.style.height = clamp(h) + "px";
  });
})();
