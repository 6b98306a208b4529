/* The pharmacist's on-call list refreshes itself every 60 s, in place: the page is fetched
   again (same address, same cookies) and only the list block is swapped, so the scroll
   position stays. Never while a reservation form is open or being typed in. The page works
   without this script (« Actualiser » link, plain form POSTs). */
(function () {
  "use strict";
  var block = document.getElementById("astreintes");
  if (!block || !window.fetch || !window.DOMParser) { return; }
  var period = (parseInt(block.getAttribute("data-refresh"), 10) || 60) * 1000;

  function busy() {
    var active = document.activeElement;
    return block.querySelector("details[open]") !== null ||
      (active && block.contains(active) && /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(active.tagName));
  }

  function refresh() {
    if (document.hidden || busy()) { return; }
    /* the page's own address (GET), as its « Actualiser » link says: after a refused
       reservation the address bar holds the form's POST address */
    var link = block.querySelector("a.refresh-link");
    fetch(link ? link.href : window.location.pathname + window.location.search,
          {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html || busy()) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("astreintes");
        if (!fresh) { return; }
        var nodes = Array.prototype.map.call(fresh.childNodes, function (n) {
          return document.importNode(n, true);
        });
        block.replaceChildren.apply(block, nodes);
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }

  window.setInterval(refresh, period);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { refresh(); }
  });
}());
