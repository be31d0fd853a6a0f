/* The bulletin board (templates/board.html): rotates the playlist's slides with no one touching
   the screen, for days. One set of nodes is filled again and again (nothing accumulates), the
   playlist is re-read every `refresh` seconds (the last one is kept while the network is down),
   an alert that appears is shown at once, and slides past their `until` (by this screen's clock)
   are skipped. */
(function () {
  "use strict";
  var stage = document.querySelector("[data-board]");
  if (!stage || !window.JSON) return;
  var labels = JSON.parse(stage.getAttribute("data-labels"));
  var list = JSON.parse(stage.getAttribute("data-initial"));
  var node = stage.querySelector("[data-slide]");
  var parts = {
    kind: node.querySelector(".slide-kind"), title: node.querySelector(".slide-title"), body: node.querySelector(".slide-body"),
    meta: node.querySelector(".slide-meta"), image: document.createElement("img")
  };
  parts.image.className = "slide-image";
  parts.image.hidden = true;
  node.appendChild(parts.image);
  var band = document.querySelector("[data-board-alerts]"), count = document.querySelector("[data-board-count]");
  var clock = document.querySelector("[data-board-clock]");
  var at = -1, timer = null;

  function live(slides) {
    var now = Date.now();
    return slides.filter(function (s) { return !s.until || Date.parse(s.until) > now; });
  }
  // The playlist's addresses are absolute (for other screens and controllers); this page loads this site's own.
  function here(url) {
    try {
      var u = new URL(url), site = new URL(list.site.url);
      return u.origin === site.origin ? u.pathname + u.search : url;
    } catch (e) { return url; }
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function day(iso) { var d = new Date(Date.parse(iso)); return two(d.getDate()) + "/" + two(d.getMonth() + 1) + "/" + d.getFullYear(); }

  function showBand(slides) {
    var alerts = slides.filter(function (s) { return s.type === "alert"; });
    band.textContent = "";
    alerts.forEach(function (a) {
      var p = document.createElement("p");
      p.className = "board-alert severity-" + String(a.severity || "").toLowerCase() + (a.level ? " level-" + a.level : "");
      p.textContent = a.title;
      band.appendChild(p);
    });
    band.hidden = !alerts.length;
  }

  function show(slide, n, total) {
    node.className = "slide type-" + slide.type + " priority-" + slide.priority;
    parts.kind.textContent = labels[slide.type] || "";
    parts.title.textContent = slide.title;
    parts.body.textContent = slide.text || "";
    parts.meta.textContent = [slide.from ? day(slide.from) : "", slide.number || "", slide.commune || (slide.source === "province" ? labels.province : "")]
      .filter(Boolean).join(" · ");
    if (slide.image) { parts.image.src = here(slide.image); parts.image.alt = slide.image_alt || ""; parts.image.hidden = false; }
    else { parts.image.hidden = true; parts.image.removeAttribute("src"); }
    count.textContent = (n + 1) + "/" + total;
  }

  function step() {
    clearTimeout(timer);
    var slides = live(list.slides);
    showBand(slides);
    if (!slides.length) {
      node.className = "slide";
      parts.kind.textContent = parts.body.textContent = parts.meta.textContent = count.textContent = "";
      parts.title.textContent = labels.empty;
      parts.image.hidden = true;
      timer = setTimeout(step, 10000);
      return;
    }
    at = (at + 1) % slides.length;
    show(slides[at], at, slides.length);
    timer = setTimeout(step, Math.max(3, slides[at].duration || 10) * 1000);
  }

  function refresh() {
    var url = stage.getAttribute("data-playlist") + "?t=" + Date.now();
    fetch(url, { cache: "no-store", credentials: "omit" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (fresh) {
      if (!fresh || !fresh.slides) return;
      var before = {};
      list.slides.forEach(function (s) { before[s.id] = true; });
      var newAlert = fresh.slides.some(function (s) { return s.type === "alert" && !before[s.id]; });
      list = fresh;
      if (newAlert) { at = -1; step(); }  // an alert is shown at once, not after the slide in progress
      else showBand(live(list.slides));
    }).catch(function () { /* the network is down: keep showing what we have */ }).then(function () {
      setTimeout(refresh, Math.max(10, list.refresh || 60) * 1000);
    });
  }

  function tick() {
    var d = new Date();
    clock.firstChild.textContent = two(d.getHours()) + ":" + two(d.getMinutes());
    clock.lastChild.textContent = labels.weekdays[d.getDay()] + ", " + day(d.toISOString());
    setTimeout(tick, 1000 - d.getMilliseconds() + 5);
  }

  tick();
  step();
  if (window.fetch) setTimeout(refresh, Math.max(10, list.refresh || 60) * 1000);
})();
