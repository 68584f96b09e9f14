/* embed.html in an article's <iframe>: the address's #start=SLUG scrolls to
   that entry (the earlier ones stay above it); #tag=, #person= and #group=
   (the name as entries write it, percent-encoded) show only its entries.
   Without this script the whole list shows. A classic script: it runs from
   file:// too. */
(function () {
  "use strict";
  var list = document.querySelector(".embed-list");
  var status = document.getElementById("embed-status");
  if (!list || !status) return;
  var items = Array.prototype.slice.call(list.children);
  var FIELDS = { tag: "tags", person: "people", group: "group" };
  var LABELS = { tag: "tagged", person: "naming", group: "in the group" };

  function fold(text) {
    return String(text).normalize("NFC").replace(/\s+/g, " ").trim().toLowerCase();
  }

  function names(item, field) {
    var value;
    try { value = JSON.parse(item.getAttribute("data-" + field) || "[]"); } catch (e) { value = []; }
    return (Array.isArray(value) ? value : [value]).map(fold);
  }

  function readHash() {
    var options = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at < 1) return;
      var value = part.slice(at + 1);
      try { value = decodeURIComponent(value.replace(/\+/g, " ")); } catch (e) { /* kept as written */ }
      options[part.slice(0, at).toLowerCase()] = value;
    });
    return options;
  }

  function showAll(event) {
    if (event) event.preventDefault();
    history.replaceState(null, "", location.pathname + location.search);
    apply();
  }

  function apply() {
    var options = readHash();
    var kind = null;
    Object.keys(FIELDS).forEach(function (k) { if (options[k] && !kind) kind = k; });
    var shown = 0;
    items.forEach(function (item) {
      var visible = !kind || names(item, FIELDS[kind]).indexOf(fold(options[kind])) >= 0;
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    status.textContent = "";
    status.hidden = !kind;
    if (kind) {
      status.appendChild(document.createTextNode(
        (shown === 1 ? "1 entry " : shown + " entries ") + LABELS[kind] + " “" + options[kind] + "”. "));
      var all = document.createElement("a");
      all.href = "#";
      all.textContent = "Show all entries";
      all.addEventListener("click", showAll);
      status.appendChild(all);
    }
    var start = options.start ? document.getElementById(options.start) : null;
    var scroller = document.scrollingElement || document.documentElement;
    // Scroll this document only: scrollIntoView would move the article around the frame too.
    scroller.scrollTop = start && !start.hidden ? start.getBoundingClientRect().top + scroller.scrollTop : 0;
  }

  window.addEventListener("hashchange", apply);
  apply();
})();
