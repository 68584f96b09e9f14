/* Search and filter on the home page. A classic script (file:// forbids
   modules and fetch). Its data, search-index.js, is also a classic script,
   loaded only when the reader first uses the search, so that a long
   timeline's home page stays light. Results are built with DOM text only,
   never as HTML. Without JavaScript the form stays hidden and every entry
   shows. */
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
  var MAX_LISTED = 200;
  /* The page's own strings, in its language (JSON the build writes in a
     data- attribute: no fetch, so it works from file://). */
  var strings = JSON.parse(box.getAttribute("data-strings") || "{}");
  var language = document.documentElement.lang || "en";
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(language) : null;
  var numbers = window.Intl && Intl.NumberFormat ? new Intl.NumberFormat(language) : null;
  var rows = null;
  var loading = false;

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

  /* The index: {pages, tags, people, groups, rows: [slug, title, date,
     page index, place, tag indices, person indices, folded words, group
     index or -1, href if not plain]}. */
  function prepare(data) {
    return data.rows.map(function (r) {
      var tags = r[5].map(function (i) { return data.tags[i]; });
      var people = r[6].map(function (i) { return data.people[i]; });
      var group = r[8] >= 0 ? data.groups[r[8]] : "";
      return {
        slug: r[0], title: r[1], date: r[2], page: r[3] >= 0 ? data.pages[r[3]] : "",
        url: r[9] || "entries/" + r[0] + ".html", tags: tags, people: people, group: group,
        hay: fold([r[1], r[4], tags.join(" "), people.join(" "), group].join(" ")) + " " + r[7]
      };
    });
  }

  function withIndex(then) {
    if (rows) { then(); return; }
    if (loading) { return; }
    loading = true;
    box.setAttribute("data-state", "loading");
    status.textContent = say("search.loading");
    var script = document.createElement("script");
    script.src = box.getAttribute("data-index");
    script.onload = function () {
      rows = prepare(window.TIMELINE_SEARCH);
      status.textContent = "";
      apply();
      box.setAttribute("data-state", "ready");
    };
    script.onerror = function () {
      status.textContent = say("search.failed");
    };
    document.head.appendChild(script);
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

  function apply() {
    if (!rows) { withIndex(apply); return; }
    var q = input.value.trim();
    var tag = tagSelect.value, person = personSelect.value, group = groupSelect ? groupSelect.value : "";
    var words = fold(q).split(/\s+/).filter(Boolean);
    var active = words.length > 0 || tag !== "" || person !== "" || group !== "";
    var matches = rows.filter(function (r) {
      if (tag && r.tags.indexOf(tag) < 0) { return false; }
      if (person && r.people.indexOf(person) < 0) { return false; }
      if (group && r.group !== group) { return false; }
      return words.every(function (w) { return r.hay.indexOf(w) >= 0; });
    });
    writeHash(q, tag, person, group);
    if (onePage) {
      var shown = {};
      matches.forEach(function (r) { shown[r.slug] = true; });
      rows.forEach(function (r) {
        var el = document.getElementById(r.slug);
        if (el) { el.hidden = active && !shown[r.slug]; }
      });
      Array.prototype.forEach.call(document.querySelectorAll(".timeline > .day"), function (day) {
        day.hidden = day.querySelector("article.entry:not([hidden])") === null;
      });
    } else {
      while (results.firstChild) { results.removeChild(results.firstChild); }
      matches.slice(0, active ? MAX_LISTED : 0).forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.page ? r.page + "#" + r.slug : r.url;
        a.textContent = r.title;
        li.appendChild(document.createTextNode(say("search.result", {date: r.date})));
        li.appendChild(a);
        results.appendChild(li);
      });
      results.hidden = !active;
    }
    if (!active) {
      status.textContent = "";
    } else if (matches.length === 0) {
      status.textContent = say("search.none");
    } else {
      status.textContent = say(!onePage && matches.length > MAX_LISTED ? "search.matches_limited" : "search.matches",
                               {count: matches.length, total: rows.length, max: MAX_LISTED});
    }
  }

  box.hidden = false;
  readHash();
  box.addEventListener("focusin", function () { withIndex(function () {}); });
  input.addEventListener("input", apply);
  tagSelect.addEventListener("change", apply);
  personSelect.addEventListener("change", apply);
  if (groupSelect) { groupSelect.addEventListener("change", apply); }
  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("=") >= 0) { readHash(); apply(); }
  });
  if (location.hash.indexOf("=") >= 0) { apply(); }
}());
