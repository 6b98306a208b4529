/* Address autocomplete: turns any <input data-address-autocomplete="/api/v1/adresses"> into an
   accessible combobox (WAI-ARIA 1.2 combobox with a listbox popup: aria-expanded,
   aria-activedescendant, Up/Down/Enter/Escape, mouse and touch, a polite live region saying
   how many suggestions there are). Suggestions come from our own server only; the chosen
   label simply fills the field, and the server geocodes it (from its cache) when the form is
   sent. Without this script the field is a plain text input and the form works the same.

   Options, as attributes of the input: data-address-autocomplete (the endpoint URL),
   data-ac-limit (1-10, default 5), data-ac-type (housenumber|street|locality|municipality).
   Texts follow <html lang> (fr, en); any can be replaced with data-ac-<key>="…" (keys below),
   e.g. rendered through gettext by the template. */
(function () {
  "use strict";
  if (!window.fetch || !document.querySelector || !window.AbortController) { return; }

  var TEXTS = {
    fr: {none: "Aucune suggestion", one: "1 suggestion", many: "{n} suggestions",
         approximate: "commune — position approximative", list: "Suggestions d'adresses",
         chosen: "{label} choisie"},
    en: {none: "No suggestions", one: "1 suggestion", many: "{n} suggestions",
         approximate: "town — approximate position", list: "Address suggestions",
         chosen: "{label} chosen"}
  };
  var MIN_CHARS = 3, DELAY = 200, counter = 0;

  function texts(input) {
    var lang = (document.documentElement.lang || "fr").slice(0, 2).toLowerCase();
    var base = TEXTS[lang] || TEXTS.fr, out = {};
    Object.keys(base).forEach(function (key) {
      out[key] = input.getAttribute("data-ac-" + key) || base[key];
    });
    return out;
  }

  function stylesheet() {
    var script = document.querySelector("script[src*='address-autocomplete.js']");
    if (!script || document.querySelector("link[data-address-autocomplete]")) { return; }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = script.src.replace(/js\/address-autocomplete\.js(\?.*)?$/, "css/address-autocomplete.css");
    link.setAttribute("data-address-autocomplete", "");
    document.head.appendChild(link);
  }

  function Combobox(input) {
    var t = texts(input), id = (input.id || "adresse-" + (++counter)) + "-suggestions";
    var endpoint = input.getAttribute("data-address-autocomplete") || "/api/v1/adresses";
    var limit = input.getAttribute("data-ac-limit") || "5";
    var type = input.getAttribute("data-ac-type") || "";
    var wrap = document.createElement("span");
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var items = [], active = -1, timer = null, pending = null, shown = "", memo = {};

    wrap.className = "ac";
    wrap.style.maxWidth = window.getComputedStyle(input).maxWidth;
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    list.id = id;
    list.className = "ac-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", t.list);
    list.hidden = true;
    wrap.appendChild(list);
    status.className = "ac-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.setAttribute("autocomplete", "off");

    function open() {
      if (!items.length) { return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      activate(-1);
    }

    function activate(index) {
      var options = list.children;
      if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
      active = index;
      if (index < 0 || !options[index]) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      options[index].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[index].id);
      if (options[index].scrollIntoView) { options[index].scrollIntoView({block: "nearest"}); }
    }

    function choose(index) {
      var item = items[index];
      if (!item) { return; }
      input.value = item.label;
      shown = item.label;
      close();
      status.textContent = t.chosen.replace("{label}", item.label);
      input.dispatchEvent(new Event("change", {bubbles: true}));
    }

    function option(item, index) {
      var li = document.createElement("li"), main = document.createElement("span");
      var extra = document.createElement("span");
      li.id = id + "-" + index;
      li.className = "ac-option" + (item.approximate ? " ac-approximate" : "");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      main.className = "ac-label";
      main.textContent = item.label;
      li.appendChild(main);
      extra.className = "ac-context";
      extra.textContent = item.approximate ? t.approximate : (item.context || "");
      if (extra.textContent) { li.appendChild(extra); }
      return li;
    }

    function show(q, suggestions) {
      if (q !== input.value.trim()) { return; }  // typed on since: a newer answer follows
      items = suggestions;
      shown = q;
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      items.forEach(function (item, index) { list.appendChild(option(item, index)); });
      status.textContent = !items.length ? t.none :
        (items.length === 1 ? t.one : t.many.replace("{n}", items.length));
      if (items.length && document.activeElement === input) { open(); } else { close(); }
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < MIN_CHARS || q.length > 200) { items = []; close(); return; }
      if (q === shown) { open(); return; }
      if (memo[q]) { show(q, memo[q]); return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var url = endpoint + (endpoint.indexOf("?") < 0 ? "?" : "&") + "q=" +
        encodeURIComponent(q) + "&limit=" + encodeURIComponent(limit) +
        (type ? "&type=" + encodeURIComponent(type) : "");
      fetch(url, {headers: {"Accept": "application/json"}, signal: pending.signal,
                  credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body) { return; }  // 429 or 422: keep what is shown, the form still works
          memo[q] = body.suggestions || [];
          show(q, memo[q]);
        })
        .catch(function () { /* aborted or offline: the plain input still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY);
    });
    input.addEventListener("keydown", function (e) {
      var expanded = !list.hidden;
      if (e.key === "ArrowDown" || e.key === "Down") {
        e.preventDefault();
        if (!expanded) { open(); if (!e.altKey) { activate(0); } }
        else { activate(active + 1 < items.length ? active + 1 : 0); }
      } else if (e.key === "ArrowUp" || e.key === "Up") {
        e.preventDefault();
        if (!expanded) { open(); activate(items.length - 1); }
        else { activate(active > 0 ? active - 1 : items.length - 1); }
      } else if (e.key === "Enter") {
        if (expanded && active >= 0) { e.preventDefault(); choose(active); }
      } else if (e.key === "Escape" || e.key === "Esc") {
        if (expanded) { e.preventDefault(); close(); }
      } else if (e.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 0); });
    /* A press on the list must not take the focus from the input (that would close it). */
    list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    list.addEventListener("click", function (e) {
      var li = e.target.closest ? e.target.closest("[role=option]") : null;
      if (li) { choose(Array.prototype.indexOf.call(list.children, li)); input.focus(); }
    });
  }

  var inputs = document.querySelectorAll("input[data-address-autocomplete]");
  if (inputs.length) { stylesheet(); }
  Array.prototype.forEach.call(inputs, function (input) { new Combobox(input); });
}());
