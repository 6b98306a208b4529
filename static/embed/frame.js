/* Carto CPTS — inside the widget's iframe: tell the host page our height
 * (the list/map switch is static/js/view-toggle.js).
 *
 * The height goes, by postMessage, only to the origins the CPTS allows to frame the widget
 * (the same list as its CSP frame-ancestors, in data-origins): a message to any other origin
 * is dropped by the browser. It is sent on load and whenever the content's size changes
 * (ResizeObserver), so the loader (widget.js) can size the iframe to it. */
(function () {
  "use strict";
  var root = document.getElementById("w-root");
  if (!root) { return; }
  var allowed = (root.getAttribute("data-origins") || "").split(" ").filter(Boolean);
  // The host page's origin when the browser tells it (Chromium, Safari: ancestorOrigins; the
  // first page's referrer elsewhere): the height goes to it alone; else to each allowed origin.
  var parentOrigin = null;
  try {
    if (window.location.ancestorOrigins && window.location.ancestorOrigins.length) {
      parentOrigin = window.location.ancestorOrigins[0];
    } else if (document.referrer) {
      parentOrigin = new URL(document.referrer).origin;
    }
  } catch (e) { parentOrigin = null; }
  var origins = allowed.indexOf(parentOrigin) >= 0 ? [parentOrigin] : allowed;
  var last = 0;

  function height() {
    var style = window.getComputedStyle(root);
    return Math.ceil(root.getBoundingClientRect().height +
      parseFloat(style.marginTop) + parseFloat(style.marginBottom));
  }
  function post() {
    if (window.parent === window) { return; }
    var h = height();
    if (h === last) { return; }
    last = h;
    origins.forEach(function (origin) {
      window.parent.postMessage({ type: "cpts-widget:height", height: h }, origin);
    });
  }
  if (window.ResizeObserver) { new ResizeObserver(post).observe(root); }
  window.addEventListener("load", function () { last = 0; post(); });
  post();
})();
