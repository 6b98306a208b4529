/* The widget configurator of a CPTS page: as the options change, ask the service for the
 * snippets (the same generator as the page, GET /cpts/<slug>/integration) and put them in
 * place, and show the live preview (#widget-preview, for the CPTS's managers) with the same
 * options, framed from this service (?apercu=1). Without JavaScript the GET form re-renders the
 * page with them. */
(function () {
  "use strict";
  var form = document.getElementById("widget-config");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-code-url");
  var script = document.getElementById("snippet-script");
  var iframe = document.getElementById("snippet");
  var preview = document.getElementById("snippet-preview");
  var live = document.getElementById("widget-preview");
  var status = document.createElement("p");
  status.className = "hint";
  status.setAttribute("role", "status");
  form.appendChild(status);
  var timer = null, pending = 0;

  function update() {
    var query = new URLSearchParams(new FormData(form)).toString();
    var ticket = ++pending;
    fetch(url + "?" + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (resp) { return resp.json().then(function (body) { return [resp.ok, body]; }); })
      .then(function (result) {
        if (ticket !== pending) { return; }
        var ok = result[0], body = result[1];
        if (!ok) {
          var reasons = [];
          var errors = body.errors || {};
          Object.keys(errors).forEach(function (k) { reasons = reasons.concat(errors[k]); });
          status.textContent = (body.detail || "") + (reasons.length ? " " + reasons.join(" ; ") : "");
          return;
        }
        script.value = body.script;
        iframe.value = body.iframe;
        preview.href = body.url;
        if (live) { showPreview(body.url); }
        status.textContent = form.getAttribute("data-updated") || "Code mis à jour.";
      })
      .catch(function () { status.textContent = ""; });
  }
  function showPreview(widgetUrl) {
    var u = new URL(widgetUrl, window.location.href);  // served here: the page's own origin
    var src = u.pathname + u.search + (u.search ? "&" : "?") + "apercu=1";
    if (live.getAttribute("src") !== src) { live.setAttribute("src", src); }
    var height = form.querySelector("[name=hauteur]");
    if (height && height.value && height.checkValidity()) { live.setAttribute("height", height.value); }
  }
  function later() { clearTimeout(timer); timer = setTimeout(update, 200); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
