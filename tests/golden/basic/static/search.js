/* Search and filter on the home page. A classic script (file:// forbids
   modules and fetch). Its data is split into classic scripts too, added
   only when needed: search-index.js (the head) when the reader first uses
   the search, then, for each query, the one shard of the index each word
   needs and the entries it lists (timeline/data.py says how the files are
   made), so that a long timeline's home page stays light and a search
   loads little. Results are built with DOM text only, never as HTML.
   Without JavaScript the form stays hidden and every entry shows. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) { return; }
  var input = document.getElementById("q");
  var tagSelect = document.getElementById("tag-filter");
  var personSelect = document.getElementById("person-filter");
  var groupSelect = document.getElementById("group-filter");   /* only when entries have groups */
  var status = document.getElementById("search-status");
  var results = document.getElementById("search-results");
  var onePage = document.querySelector("article.entry") !== null;
  var MAX_LISTED = 100;
  var FIRST_LISTED = 25;      /* listed at once; the rest once typing stops */
  var REST_AFTER_MS = 300;
  var LOADING_AFTER_MS = 400;
  /* The page's own strings, in its language (JSON the build writes in a
     data- attribute: no fetch, so it works from file://). */
  var strings = JSON.parse(box.getAttribute("data-strings") || "{}");
  var language = document.documentElement.lang || "en";
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(language) : null;
  var numbers = window.Intl && Intl.NumberFormat ? new Intl.NumberFormat(language) : null;
  var head = null;          /* window.TIMELINE_SEARCH once loaded */
  var asked = {};           /* file name -> true while loading, "failed" */
  var waiting = [];         /* callbacks waiting for files to load */
  var latest = 0;           /* the number of the last query asked */
  var base = (box.getAttribute("data-index") || "").replace(/[^\/]*$/, "");

  /* strings[key] with {name} filled in; a plural string by `count`. */
  function say(key, values) {
    var text = strings[key] || "";
    values = values || {};
    if (typeof text === "object") {
      var form = plurals ? plurals.select(values.count) : (values.count === 1 ? "one" : "other");
      text = text[form] || text.other;
    }
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      var v = values[name];
      if (v === undefined) { return all; }
      return typeof v === "number" && numbers ? numbers.format(v) : String(v);
    });
  }

  /* Accents and Hebrew and Arabic vowel points go (timeline/data.py folds
     the index the same way). Words are found anywhere in the text, not
     only at their start: scripts written without spaces (Chinese,
     Japanese) find a word inside a title too. */
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f\u0591-\u05bd\u05bf-\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670]/g, "")
      .toLowerCase();
  }

  /* Each name's file, loaded by a classic script; `then` runs when all are
     in (the head's `parts` holds them), or `failed` if one cannot load. */
  function need(names, then, failed) {
    var parts = window.TIMELINE_SEARCH ? window.TIMELINE_SEARCH.parts : {};
    var missing = names.filter(function (n) { return !(n in parts); });
    if (missing.some(function (n) { return asked[n] === "failed"; })) { failed(); return; }
    if (missing.length === 0) { then(); return; }
    waiting.push({names: missing, then: then, failed: failed});
    missing.forEach(function (n) {
      if (asked[n]) { return; }
      asked[n] = true;
      var script = document.createElement("script");
      script.src = base + (n === "head" ? box.getAttribute("data-index").replace(/^.*\//, "") : "search/" + n + ".js");
      script.onload = function () {
        if (n === "head") { head = window.TIMELINE_SEARCH; head.parts.head = true; }
        settled();
      };
      script.onerror = function () { asked[n] = "failed"; settled(); };
      document.head.appendChild(script);
    });
  }

  function settled() {
    var parts = window.TIMELINE_SEARCH ? window.TIMELINE_SEARCH.parts : {};
    var list = waiting;
    waiting = [];   /* what the callbacks ask for waits anew */
    list.forEach(function (w) {
      if (w.names.some(function (n) { return asked[n] === "failed"; })) { w.failed(); return; }
      if (w.names.every(function (n) { return n in parts; })) { w.then(); return; }
      waiting.push(w);
    });
  }

  /* FNV-1a over UTF-16 units, into one of the head's shards (data.gram_hash). */
  function shardOf(run) {
    var h = 2166136261;
    for (var i = 0; i < run.length; i++) {
      h = Math.imul(h ^ run.charCodeAt(i), 16777619) >>> 0;
    }
    return h & (head.shards.length - 1);
  }

  /* The one shard a word needs: a run of one or two units has its own
     entries there; a longer word is in every token of the shard of any
     of its three-unit runs, so the smallest such shard is read. */
  function shardFor(word) {
    if (word.length <= 2) { return shardOf(word); }
    var best = -1;
    for (var i = 0; i + 3 <= word.length; i++) {
      var s = shardOf(word.slice(i, i + 3));
      if (best < 0 || head.shards[s] < head.shards[best]) { best = s; }
    }
    return best;
  }

  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  /* Entry numbers as data.encode_numbers writes them, marked in `into`. */
  function mark(text, into) {
    var i, v;
    if (text.charAt(0) === "!") {
      var bytes = atob(text.slice(1));
      for (i = 0; i < bytes.length; i++) {
        v = bytes.charCodeAt(i);
        for (var bit = 0; v; bit++, v >>= 1) {
          if (v & 1) { into[i * 8 + bit] = 1; }
        }
      }
      return;
    }
    var value = 0, last = -1;
    for (i = 0; i < text.length; i++) {
      v = B64.indexOf(text.charAt(i));
      if (v >= 32) {
        value = value * 32 + v - 32;
      } else {
        last += value * 32 + v;
        into[last] = 1;
        value = 0;
      }
    }
  }

  /* Which entries hold `word` somewhere in their text. */
  function holding(word) {
    var found = new Uint8Array(head.count);
    var shard = head.parts["w" + shardFor(word)];
    if (word.length <= 2) {
      if (Object.prototype.hasOwnProperty.call(shard.g, word)) { mark(shard.g[word], found); }
      return found;
    }
    for (var token in shard.t) {
      if (token.indexOf(word) >= 0) { mark(shard.t[token], found); }
    }
    return found;
  }

  /* Entries of one value of a filter (tags, people, groups), by its label. */
  function having(kind, label) {
    var found = new Uint8Array(head.count);
    var at = head[kind].indexOf(label);
    if (at >= 0) { mark(head.parts[kind][at], found); }
    return found;
  }

  /* What a result shows of entry `i`, from its loaded file. */
  function row(i) {
    var r = head.parts["e" + Math.floor(i / head.chunk)][i % head.chunk];
    return {slug: r[0], title: r[1], date: r[2], page: r[3] >= 0 ? head.pages[r[3]] : "",
            url: r[4] || "entries/" + r[0] + ".html"};
  }

  function chunksOf(numbers) {
    var names = [];
    numbers.forEach(function (i) {
      var n = "e" + Math.floor(i / head.chunk);
      if (names[names.length - 1] !== n) { names.push(n); }
    });
    return names;
  }

  function readHash() {
    var h = location.hash.slice(1);
    if (h.indexOf("=") < 0) { return; }
    var p = new URLSearchParams(h);
    input.value = p.get("q") || "";
    tagSelect.value = p.get("tag") || "";
    personSelect.value = p.get("person") || "";
    if (tagSelect.value !== (p.get("tag") || "")) { tagSelect.value = ""; }
    if (personSelect.value !== (p.get("person") || "")) { personSelect.value = ""; }
    if (groupSelect) {
      groupSelect.value = p.get("group") || "";
      if (groupSelect.value !== (p.get("group") || "")) { groupSelect.value = ""; }
    }
  }

  function writeHash(q, tag, person, group) {
    var p = new URLSearchParams();
    if (q) { p.set("q", q); }
    if (tag) { p.set("tag", tag); }
    if (person) { p.set("person", person); }
    if (group) { p.set("group", group); }
    var s = p.toString();
    var url = location.pathname + location.search + (s ? "#" + s : "");
    try { history.replaceState(null, "", url); } catch (e) { /* some file:// setups refuse */ }
  }

  /* The head is small: "loading" is said only if it is slow to come, so
     that a quick load does not flash the message. */
  function loadingSoon() {
    window.setTimeout(function () {
      if (!head && asked.head !== "failed") { status.textContent = say("search.loading"); }
    }, LOADING_AFTER_MS);
  }

  function failed() {
    status.textContent = say("search.failed");
  }

  /* Run the query in the box (with the filters) once the files it needs
     are in; a later query makes an earlier one's answer moot. */
  function apply() {
    var asking = ++latest;
    var q = input.value.trim();
    var tag = tagSelect.value, person = personSelect.value, group = groupSelect ? groupSelect.value : "";
    writeHash(q, tag, person, group);
    if (!head) {
      box.setAttribute("data-state", "loading");
      loadingSoon();
      need(["head"], function () { if (asking === latest) { apply(); } }, failed);
      return;
    }
    var words = fold(q).split(/\s+/).filter(Boolean);
    var filters = [["tags", tag], ["people", person], ["groups", group]].filter(function (f) { return f[1] !== ""; });
    var active = words.length > 0 || filters.length > 0;
    var names = words.map(function (w) { return "w" + shardFor(w); })
      .concat(filters.map(function (f) { return f[0]; }));
    box.setAttribute("data-state", "loading");
    need(names, function () {
      if (asking !== latest) { return; }
      var sets = words.map(holding).concat(filters.map(function (f) { return having(f[0], f[1]); }));
      var matches = [];
      for (var i = 0; i < head.count; i++) {
        if (sets.every(function (s) { return s[i]; })) { matches.push(i); }
      }
      /* One page shows every entry: each is hidden or shown by its slug. A
         list shows its first few at once, and the rest when the reader
         stops typing: keystrokes in flight load only what they show. */
      var listed = onePage ? Array.apply(null, Array(head.count)).map(function (x, j) { return j; })
        : matches.slice(0, active ? MAX_LISTED : 0);
      var first = onePage ? listed : listed.slice(0, FIRST_LISTED);
      need(chunksOf(first), function () {
        if (asking !== latest) { return; }
        show(matches, first, 0, active);
        if (first.length === listed.length) { box.setAttribute("data-state", "ready"); return; }
        window.setTimeout(function () {
          if (asking !== latest) { return; }
          need(chunksOf(listed), function () {
            if (asking !== latest) { return; }
            show(matches, listed, first.length, active);
            box.setAttribute("data-state", "ready");
          }, failed);
        }, REST_AFTER_MS);
      }, failed);
    }, failed);
  }

  /* Show the matches: on one page by hiding the others; else by listing
     `shown` from its item `from` on (after those listed before). */
  function show(matches, shown, from, active) {
    if (onePage) {
      var matching = {};
      matches.forEach(function (i) { matching[i] = true; });
      shown.forEach(function (i) {
        var el = document.getElementById(row(i).slug);
        if (el) { el.hidden = active && !matching[i]; }
      });
      Array.prototype.forEach.call(document.querySelectorAll(".timeline > .day"), function (day) {
        day.hidden = day.querySelector("article.entry:not([hidden])") === null;
      });
    } else {
      if (from > 0) { shown.slice(from).forEach(listItem); return; }
      while (results.firstChild) { results.removeChild(results.firstChild); }
      shown.forEach(listItem);
      results.hidden = !active;
    }
    if (!active) {
      status.textContent = "";
    } else if (matches.length === 0) {
      status.textContent = say("search.none");
    } else {
      status.textContent = say(!onePage && matches.length > MAX_LISTED ? "search.matches_limited" : "search.matches",
                               {count: matches.length, total: head.count, max: MAX_LISTED});
    }
  }

  function listItem(i) {
    var r = row(i);
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = r.page ? r.page + "#" + r.slug : r.url;
    a.textContent = r.title;
    li.appendChild(document.createTextNode(say("search.result", {date: r.date})));
    li.appendChild(a);
    results.appendChild(li);
  }

  box.hidden = false;
  readHash();
  box.addEventListener("focusin", function () {
    if (!head && !asked.head) {
      box.setAttribute("data-state", "loading");
      loadingSoon();
      need(["head"], function () {
        if (latest === 0) { status.textContent = ""; box.setAttribute("data-state", "ready"); }
      }, failed);
    }
  });
  input.addEventListener("input", apply);
  tagSelect.addEventListener("change", apply);
  personSelect.addEventListener("change", apply);
  if (groupSelect) { groupSelect.addEventListener("change", apply); }
  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("=") >= 0) { readHash(); apply(); }
  });
  if (location.hash.indexOf("=") >= 0) { apply(); }
}());
