/* Live preview: added to pages only as `build.py serve` serves them, never
   written to the site. The server says, after every build, whether this
   page changed, which stylesheets and scripts changed, and the build's
   errors. A changed page is fetched and patched in place (what did not
   change keeps its state and scroll position); a changed stylesheet is
   swapped; a changed script reloads the page. A hidden tab lets go of its
   connection and asks again when it is shown. */
(function () {
  "use strict";
  var me = document.currentScript;
  var live = me.getAttribute("data-live");
  var seen = Number(me.getAttribute("data-build"));
  /* The panel's words in the site's language, told with the errors (which
     stay English). */
  var strings = {};
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;
  var source = null;
  var retry = null;
  var dismissed = "";
  var patching = Promise.resolve();

  function sitePath(url) {
    return decodeURIComponent(new URL(url, location.href).pathname).replace(/^\/+/, "");
  }
  // The scripts the page came with; a script a page adds later (the
  // search index) is data, patched with the page.
  var scripts = Array.prototype.map.call(document.querySelectorAll("script[src]"), function (s) {
    return sitePath(s.src);
  });

  var loads = null;   // what the page loads, as served: set below

  function connect() {
    if (source || document.visibilityState === "hidden") return;
    source = new EventSource(live + "events?build=" + seen + "&page=" + encodeURIComponent(location.pathname));
    source.onmessage = function (event) {
      var news = JSON.parse(event.data);
      // One change at a time, in order; if a patch fails, the page is loaded again.
      patching = patching.then(function () { return act(news); }).catch(function () { location.reload(); });
    };
    source.onerror = function () {
      // The server stopped or restarted: ask again, from what is shown now.
      disconnect();
      retry = setTimeout(connect, 1000);
    };
  }

  function disconnect() {
    if (source) source.close();
    source = null;
    clearTimeout(retry);
  }

  function act(news) {
    if (news.strings) strings = news.strings;
    showErrors(news.errors);
    var assets = news.assets || [];
    if (assets.some(function (path) { return scripts.indexOf(path) >= 0; })) {
      location.reload();
      return;
    }
    swapStyles(assets, news.build);
    if (!news.page) {
      seen = news.build;
      return;
    }
    return fetch(location.href, {cache: "no-store"}).then(function (response) {
      if (!response.ok) { location.reload(); return; }
      return response.text().then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        if (heads(fresh) !== loads) { location.reload(); return; }
        morph(document.body, fresh.body);
        document.title = fresh.title;
        var tag = fresh.querySelector("script[data-build]");
        seen = tag ? Number(tag.getAttribute("data-build")) : news.build;
      });
    }, function () { location.reload(); });
  }

  // What a page loads: when that changes, a patch is not enough.
  function heads(doc) {
    return Array.prototype.map.call(doc.querySelectorAll("head link[rel~=stylesheet], script[src]"), function (el) {
      return el.getAttribute("href") || el.getAttribute("src");
    }).filter(function (url) { return url.indexOf(live) !== 0; }).join(" ");
  }

  function swapStyles(assets, build) {
    Array.prototype.forEach.call(document.querySelectorAll("link[rel~=stylesheet]"), function (link) {
      var path = sitePath(link.href);
      if (assets.indexOf(path) < 0) return;
      var fresh = link.cloneNode();
      fresh.href = link.href.replace(/\?.*$/, "") + "?live=" + build;
      // The old sheet stays until the new one has loaded: no flash of an unstyled page.
      fresh.onload = fresh.onerror = function () { link.remove(); };
      link.after(fresh);
    });
  }

  function kept(node) {
    return node.nodeType === 1 && node.hasAttribute("data-live-keep");
  }

  function children(node) {
    return Array.prototype.filter.call(node.childNodes, function (child) { return !kept(child); });
  }

  // Make `now` like `fresh`, touching only what differs.
  function morph(now, fresh) {
    if (now.isEqualNode(fresh)) return;
    if (now.nodeType !== 1) { now.nodeValue = fresh.nodeValue; return; }
    Array.prototype.slice.call(now.attributes).forEach(function (attr) {
      if (!fresh.hasAttribute(attr.name)) now.removeAttribute(attr.name);
    });
    Array.prototype.forEach.call(fresh.attributes, function (attr) {
      if (now.getAttribute(attr.name) !== attr.value) now.setAttribute(attr.name, attr.value);
    });
    var a = children(now), b = children(fresh);
    if (a.length !== b.length) {
      var anchor = Array.prototype.find.call(now.childNodes, kept) || null;
      a.forEach(function (child) { child.remove(); });
      b.forEach(function (child) { now.insertBefore(document.importNode(child, true), anchor); });
      return;
    }
    for (var i = 0; i < a.length; i++) {
      if (a[i].nodeType === b[i].nodeType && a[i].nodeName === b[i].nodeName) morph(a[i], b[i]);
      else now.replaceChild(document.importNode(b[i], true), a[i]);
    }
  }

  function showErrors(errors) {
    var box = document.getElementById("live-errors");
    var text = errors.join("\n");
    if (!errors.length || text === dismissed) {
      if (box) box.remove();
      if (!errors.length) dismissed = "";
      return;
    }
    if (!box) {
      box = document.createElement("section");
      box.id = "live-errors";
      box.className = "live-errors";
      box.setAttribute("data-live-keep", "");
      box.setAttribute("role", "alert");
      box.setAttribute("aria-labelledby", "live-errors-title");
      var title = document.createElement("h2");
      title.id = "live-errors-title";
      var list = document.createElement("pre");
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = strings["live.dismiss"] || "Dismiss";
      close.onclick = function () { dismissed = box.getAttribute("data-errors"); box.remove(); };
      box.append(title, list, close);
      document.body.append(box);
    }
    box.setAttribute("data-errors", text);
    var failed = strings["live.failed"];
    if (failed) {
      failed = failed[plurals ? plurals.select(errors.length) : "other"] || failed.other;
      box.querySelector("h2").textContent = failed.replace("{count}", String(errors.length));
    } else {
      box.querySelector("h2").textContent = "The build failed (" + errors.length + " error" +
        (errors.length === 1 ? "" : "s") + "): this is the last good build";
    }
    box.querySelector("pre").textContent = text;
  }

  loads = heads(document);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") disconnect();
    else connect();
  });
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("live-errors");
    if (event.key === "Escape" && box) box.querySelector("button").click();
  });
  connect();
})();
