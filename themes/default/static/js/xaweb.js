/* xaweb: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  // Share: the device's share sheet (on a phone it reaches Zalo's app); copy buttons, also those
  // a script adds later (qa.js's tracking code). Hidden in the HTML.
  var device = document.querySelector("[data-share-device]");
  if (device && navigator.share) {
    device.hidden = false;
    device.firstChild.addEventListener("click", function () {
      navigator.share({ title: document.title, url: this.getAttribute("data-url") }).catch(function () {});
    });
  }
  if (navigator.clipboard) {
    var copiers = document.querySelectorAll("[data-copy]");
    for (var c = 0; c < copiers.length; c++) copiers[c].hidden = false;
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-copy] button[data-copy-text]");
      var status = button && button.parentNode.querySelector("[role=status]");
      if (button) navigator.clipboard.writeText(button.getAttribute("data-copy-text")).then(function () {
        if (status) status.textContent = button.getAttribute("data-done");
      }, function () {});
    });
  }

  // "Print this page" buttons are hidden in the HTML (window.print needs JS).
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }

  // The main menu is a <details> disclosure. On wide screens open it so the
  // CSS shows it as a bar (browsers with ::details-content do not need this);
  // on narrow screens keep it closed until the visitor opens it.
  var menu = document.querySelector("details.menu");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48em)");
    var sync = function () { menu.open = wide.matches; };
    sync();
    if (wide.addEventListener) wide.addEventListener("change", sync);
    else if (wide.addListener) wide.addListener(sync);

    // Escape closes the open menu on a phone and returns focus to its button.
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  // Text size and high contrast: classes on <html>, remembered across pages.
  // The script is deferred (never render-blocking), so a remembered choice
  // applies just after the first paint. The controls are hidden in the HTML
  // because they do nothing without this file.
  var root = document.documentElement;
  var recall = function (key) {
    try { return localStorage.getItem(key) || ""; } catch (e) { return ""; }
  };
  var remember = function (key, value) {
    try {
      if (value) localStorage.setItem(key, value);
      else localStorage.removeItem(key);
    } catch (e) { /* storage blocked: the choice holds for this page only */ }
  };
  var sizeButtons = document.querySelectorAll("[data-text-size]");
  var setSize = function (size) {
    for (var k = 0; k < sizeButtons.length; k++) {
      var value = sizeButtons[k].getAttribute("data-text-size");
      if (value) root.classList.toggle("text-" + value, value === size);
      sizeButtons[k].setAttribute("aria-pressed", value === size ? "true" : "false");
    }
  };
  var contrastButton = document.querySelector("[data-contrast]");
  var setContrast = function (on) {
    root.classList.toggle("high-contrast", on);
    if (contrastButton) contrastButton.setAttribute("aria-pressed", on ? "true" : "false");
  };

  setSize(recall("xaweb-text-size"));
  setContrast(recall("xaweb-contrast") === "high");
  for (var k = 0; k < sizeButtons.length; k++) {
    sizeButtons[k].addEventListener("click", function () {
      var size = this.getAttribute("data-text-size");
      setSize(size);
      remember("xaweb-text-size", size);
    });
  }
  if (contrastButton) {
    contrastButton.addEventListener("click", function () {
      var on = !root.classList.contains("high-contrast");
      setContrast(on);
      remember("xaweb-contrast", on ? "high" : "");
    });
  }
  var tools = document.querySelector("[data-display-tools]");
  if (tools) tools.hidden = false;
  // On a phone the tools fold behind one button (shown by the CSS under 48em).
  var toggle = document.querySelector("[data-display-toggle]");
  if (tools && toggle) {
    toggle.hidden = false;
    toggle.firstChild.addEventListener("click", function () {
      var open = this.getAttribute("aria-expanded") !== "true";
      this.setAttribute("aria-expanded", String(open));
      tools.classList.toggle("is-open", open);
    });
  }
})();

/* The alert banner (partials/alert_banner.html) is built into every page, but a
   static page can be hours old in a cache: show what the site's alerts.json says
   now, in the same markup. Any failure keeps the built-in banner. Nothing is
   hidden by this device's clock, which may be wrong: expiry is the build's job. */
(function () {
  "use strict";
  var banner = document.querySelector(".alert-banner[data-alerts]");
  var list = banner && banner.querySelector(".alert-list");
  if (!list || !window.fetch || !window.JSON) return;
  var labels = {};
  try { labels = JSON.parse(banner.getAttribute("data-labels") || "{}"); } catch (e) { /* labels stay empty */ }

  function add(parent, tag, text, cls) {
    var el = document.createElement(tag);
    if (text) el.textContent = text;
    if (cls) el.className = cls;
    parent.appendChild(el);
    return el;
  }
  function vnTime(iso) {  // "HH:MM, DD/MM/YYYY" in Vietnam time
    var d = new Date(Date.parse(iso) + 7 * 3600 * 1000), p = function (n) { return (n < 10 ? "0" : "") + n; };
    return p(d.getUTCHours()) + ":" + p(d.getUTCMinutes()) + ", " + p(d.getUTCDate()) + "/" + p(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear();
  }
  function render(alerts) {
    alerts = alerts.filter(function (a) { return a && a.headline; });
    var ids = function (items, get) { return Array.prototype.map.call(items, get).join("\n"); };
    // The same alerts as the page: leave it alone (no flicker, keyboard focus stays where it is).
    if (ids(alerts, function (a) { return a.id; }) === ids(list.children, function (li) { return li.getAttribute("data-id"); })) return;
    list.textContent = "";
    alerts.forEach(function (a) {
      var severity = String(a.severity || "unknown").toLowerCase().replace(/[^a-z]/g, "");
      var level = /^[1-5]$/.test(String(a.level)) ? String(a.level) : "";
      var li = add(list, "li", "", "alert severity-" + severity + (level ? " level-" + level : ""));
      li.setAttribute("data-id", a.id || "");
      add(li, "p", a.headline, "alert-headline");
      var facts = add(li, "dl", "", "alert-facts");
      function fact(term, value) {  // value: text, or a node
        if (!value) return;
        var row = add(facts, "div");
        add(row, "dt", term);
        var dd = add(row, "dd", typeof value === "string" ? value : "");
        if (typeof value !== "string") dd.appendChild(value);
      }
      fact(labels.severity, (labels[severity] || a.severity) + (level ? " – " + (labels["level" + level] || level) : ""));
      fact(labels.area, a.area);
      if (a.expires) {
        var time = document.createElement("time");
        time.setAttribute("datetime", a.expires);
        time.textContent = vnTime(a.expires);
        fact(labels.expires, time);
      }
      fact(labels.source, a.source);
      if (a.instruction) {
        var what = add(li, "p", "", "alert-instruction");
        add(what, "strong", (labels.instruction || "") + ":");
        what.appendChild(document.createTextNode(" " + a.instruction));
      }
      if (/^https?:\/\//i.test(a.link || "")) {
        var link = add(add(li, "p", "", "alert-link"), "a", labels.details || a.link);
        link.href = a.link;
        add(link, "span", ": " + a.headline, "visually-hidden");
      }
    });
    banner.hidden = !list.children.length;
  }
  fetch(banner.getAttribute("data-alerts"), { cache: "no-cache" })
    .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
    .then(function (data) { if (data && Array.isArray(data.alerts)) render(data.alerts); })
    .catch(function () { /* offline or no alerts.json: the built-in banner stands */ });
})();
