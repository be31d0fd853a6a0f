/* xaweb site search: reads the index the build wrote under /tim-kiem/ (docs/search.md) and
   shows results on the search page. No server, nothing from another origin. Loaded only there.

   Words are folded as xaweb/searchwords.py folds them: NFC, lower case, marks off, đ -> d,
   one character for one, so a match in the folded text is at the same place in the original.
   Ranking: pages with every word (else with the most words), by weight x rarity; then, among
   the first RERANK, the phrase as typed (with its marks) first, the phrase folded next, then
   the words with their marks. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-search]");
  if (!form || !window.fetch || !window.JSON || !"".normalize) return;
  var PAGE = 10, RERANK = 20, WORD = /[a-z0-9]+/g;
  var root = form.getAttribute("data-search"), base = form.getAttribute("data-base").replace(/\/$/, "");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var more = document.querySelector("[data-search-more]");
  var input = form.elements.q, sectionSelect = form.elements.s, yearSelect = form.elements.y;
  document.querySelector("[data-search-nojs]").hidden = true;

  function fold(text) {
    text = text.normalize("NFC");
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i), code = c.charCodeAt(0);
      if (c === "đ" || c === "Đ") c = "d";
      else if (code >= 65 && code <= 90) c = c.toLowerCase();
      else if ((code >= 0xC0 && code < 0x250) || (code >= 0x1E00 && code < 0x1F00)) {
        var b = c.normalize("NFD").charAt(0).toLowerCase();
        if (b.charCodeAt(0) < 128) c = b;
      }
      out += c;
    }
    return out;
  }
  function fnv1a(word) {  // over UTF-8 bytes; index words are ASCII
    var h = 0x811c9dc5;
    for (var i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
    return h;
  }
  var cache = {};
  function get(path) {
    if (!cache[path]) {
      cache[path] = fetch(root + path, { credentials: "omit" }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }
  function decode(postings, out, doc) {  // 'gap in base 36' + 'weight as A-Z', page numbers ascending from `doc`
    var digits = "";
    for (var i = 0; i < postings.length; i++) {
      var code = postings.charCodeAt(i);
      if (code >= 65 && code <= 90) { doc += parseInt(digits, 36); out[doc] = code - 64; digits = ""; }
      else digits += postings.charAt(i);
    }
    return out;
  }
  // A site's bucket holds postings; a province portal's, [commune, postings] pairs, each commune's
  // pages numbered from its offset in meta.communes (xaweb/province/search.py).
  function pages(meta, entry) {
    if (typeof entry === "string") return decode(entry, {}, 0);
    var out = {};
    (entry || []).forEach(function (pair) { decode(pair[1], out, meta.communes[pair[0]][2]); });
    return out;
  }
  function communeOf(meta, doc) {
    var c = 0;
    while (c + 1 < meta.communes.length && meta.communes[c + 1][2] <= doc) c++;
    return meta.communes[c];
  }
  function fragment(meta, doc) {
    if (!meta.communes) return get("f/" + doc + ".json");
    var c = communeOf(meta, doc);
    return get("c/" + meta.communes.indexOf(c) + "/" + (doc - c[2]) + ".json").then(function (f) {
      return { t: f.t, u: c[1].replace(/\/$/, "") + f.u, s: c[0] + (f.s ? " – " + f.s : ""), d: f.d, n: f.n, x: f.x, abs: true };
    });
  }
  function say(key, n, q) {
    status.textContent = form.getAttribute("data-msg-" + key).replace("{n}", n).replace("{q}", q);
  }

  // The text with every folded query word marked, into `parent` (text nodes and <mark>: never markup).
  function highlight(parent, text, words) {
    var folded = fold(text), at = 0, re = new RegExp("(^|[^a-z0-9])(" + words.join("|") + ")(?![a-z0-9])", "g"), m;
    while (words.length && (m = re.exec(folded))) {
      var start = m.index + m[1].length;
      parent.appendChild(document.createTextNode(text.slice(at, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, start + m[2].length);
      parent.appendChild(mark);
      at = start + m[2].length;
    }
    parent.appendChild(document.createTextNode(text.slice(at)));
  }
  function excerpt(text, words) {
    var folded = fold(text), first = -1;
    for (var i = 0; i < words.length; i++) {
      var m = new RegExp("(^|[^a-z0-9])" + words[i] + "(?![a-z0-9])").exec(folded);
      if (m && (first < 0 || m.index < first)) first = m.index;
    }
    var start = first > 80 ? text.lastIndexOf(" ", first - 60) + 1 : 0;
    var cut = text.slice(start, start + 240);
    return (start > 0 ? "…" : "") + cut + (start + 240 < text.length ? "…" : "");
  }
  // The words of a text as written (lower case, marks kept): cut where the folded text has its words.
  function written(text) {
    text = text.normalize("NFC");
    var folded = fold(text), out = [], m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(folded))) out.push(text.slice(m.index, m.index + m[0].length).toLowerCase());
    return out;
  }
  // [typed phrase in the title, typed phrase anywhere, folded phrase in the title, folded phrase
  // anywhere, words found as typed]: compared in that order, then the index's score.
  function rank(f, words, query) {
    var typed = written(query), exact = 0, keys = [];
    [f.t, f.t + " " + f.n + " " + f.x].forEach(function (text, i) {
      var asWritten = " " + written(text).join(" ") + " ";
      keys[i] = typed.length > 1 && asWritten.indexOf(" " + typed.join(" ") + " ") >= 0 ? 1 : 0;
      keys[i + 2] = words.length > 1 && fold(asWritten).indexOf(" " + words.join(" ") + " ") >= 0 ? 1 : 0;
      if (i) for (var k = 0; k < typed.length; k++) if (asWritten.indexOf(" " + typed[k] + " ") >= 0) exact++;
    });
    return keys.concat([exact]);
  }
  function compare(a, b) {
    for (var i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return b.key[i] - a.key[i];
    return a.doc - b.doc;
  }

  function show(meta, found, from, words) {
    var shown = found.slice(from, from + PAGE);
    return Promise.all(shown.map(function (hit) { return hit.f || fragment(meta, hit.doc); })).then(function (fragments) {
      fragments.forEach(function (f) {
        var li = document.createElement("li"), h = document.createElement("h2"), a = document.createElement("a");
        a.href = f.abs ? f.u : base + f.u;
        highlight(a, f.t, words);
        h.appendChild(a);
        li.appendChild(h);
        var meta = [f.s, f.d, f.n].filter(Boolean).join(" · ");
        if (meta) { var p = document.createElement("p"); p.className = "search-meta"; p.textContent = meta; li.appendChild(p); }
        var x = document.createElement("p");
        highlight(x, excerpt(f.x || "", words), words);
        li.appendChild(x);
        list.appendChild(li);
      });
      more.hidden = from + PAGE >= found.length;
      more.onclick = function () { show(meta, found, from + PAGE, words); };
    });
  }

  function search(query, section, year) {
    var words = (fold(query).match(WORD) || []).filter(function (w, i, all) { return all.indexOf(w) === i; });
    list.textContent = "";
    more.hidden = true;
    if (!words.length) { status.textContent = ""; return; }
    say("loading", 0, query);
    var filters = (section !== "" ? ["~s" + section] : []).concat(year ? ["~y" + year] : []);
    get("meta.json").then(function (meta) {
      // A portal names the words on most pages: their buckets are fetched only when the query has no rarer word.
      var common = meta.common || {}, rare = words.filter(function (w) { return !(w in common); });
      var fetched = rare.length ? rare : [words.slice().sort(function (a, b) { return common[a] - common[b]; })[0]];
      var terms = fetched.concat(filters);
      return Promise.all(terms.map(function (t) { return get("b/" + (fnv1a(t) % meta.buckets) + ".json"); })).then(function (buckets) {
        var lists = terms.map(function (t, i) { return pages(meta, buckets[i][t]); });
        var score = {}, count = {};
        fetched.forEach(function (w, i) {
          var docs = Object.keys(lists[i]), idf = Math.log(1 + meta.pages / Math.max(1, docs.length));
          docs.forEach(function (d) { score[d] = (score[d] || 0) + lists[i][d] * idf; count[d] = (count[d] || 0) + 1; });
        });
        var docs = Object.keys(score).filter(function (d) {
          for (var k = fetched.length; k < terms.length; k++) if (!lists[k][d]) return false;
          return true;
        });
        var best = docs.reduce(function (m, d) { return Math.max(m, count[d]); }, 0);
        var found = docs.filter(function (d) { return count[d] === best; }).map(function (d) {
          return { doc: +d, key: [0, 0, 0, 0, 0, score[d]] };
        }).sort(compare);
        var top = found.slice(0, words.length > 1 ? RERANK : PAGE);  // one word: no phrase to look for
        return Promise.all(top.map(function (hit) { return fragment(meta, hit.doc); })).then(function (fragments) {
          top.forEach(function (hit, i) { hit.f = fragments[i]; hit.key = rank(fragments[i], words, query).concat([hit.key[5]]); });
          found = top.sort(compare).concat(found.slice(RERANK));
          say(found.length ? "found" : "none", found.length, query);
          return show(meta, found, 0, words);
        });
      });
    }).catch(function () { say("failed", 0, query); });
  }

  function fillFilters(meta) {
    if (!meta.sections.length) sectionSelect.parentNode.hidden = true;  // a portal: each commune's sections are its own
    meta.sections.forEach(function (s, i) { sectionSelect.add(new Option(s[0] + " (" + s[1] + ")", String(i))); });
    meta.years.forEach(function (y) { yearSelect.add(new Option(y[0] + " (" + y[1] + ")", String(y[0]))); });
    document.querySelector("[data-search-filters]").hidden = false;
  }

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  get("meta.json").then(function (meta) {
    fillFilters(meta);
    sectionSelect.value = params.get("s") || "";
    yearSelect.value = params.get("y") || "";
  }).catch(function () {}).then(function () {
    if (input.value) search(input.value, sectionSelect.value, yearSelect.value);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = input.value.trim(), here = new URLSearchParams();
    if (q) here.set("q", q);
    if (sectionSelect.value) here.set("s", sectionSelect.value);
    if (yearSelect.value) here.set("y", yearSelect.value);
    history.replaceState(null, "", "?" + here.toString());
    search(q, sectionSelect.value, yearSelect.value);
  });
})();
