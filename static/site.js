// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  var stored = null;
  try { stored = localStorage.getItem("theme"); } catch (e) { /* storage blocked */ }
  if (stored) root.setAttribute("data-theme", stored);

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  function setupTheme() {
    var footer = document.querySelector(".foot .wrap");
    if (!footer) return;
    var modes = ["auto", "light", "dark"];
    var button = document.createElement("button");
    button.type = "button";
    button.className = "theme";
    function label() {
      var mode = root.getAttribute("data-theme") || "auto";
      button.textContent = "Theme: " + mode;
      button.setAttribute("aria-label", "Colour theme: " + mode + ". Change");
    }
    button.addEventListener("click", function () {
      var mode = modes[(modes.indexOf(root.getAttribute("data-theme") || "auto") + 1) % 3];
      if (mode === "auto") root.removeAttribute("data-theme");
      else root.setAttribute("data-theme", mode);
      try { if (mode === "auto") localStorage.removeItem("theme"); else localStorage.setItem("theme", mode); } catch (e) { /* ignore */ }
      label();
    });
    label();
    footer.appendChild(button);
  }

  // The look-up (static/lookup.js and the data it searches) is fetched on first use.
  function setupLookup() {
    var link = document.querySelector("[data-lookup]");
    var form = document.querySelector("[data-lookup-form]");
    if (!link || !form) return;
    var input = form.elements.q;
    var box = document.querySelector("[data-filter]");
    var loading = null;
    function load() {
      if (!loading) {
        loading = new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          script.src = form.getAttribute("data-script");
          script.onload = resolve;
          script.onerror = function () { loading = null; reject(); };
          document.head.appendChild(script);
        });
      }
      return loading;
    }
    function use() { load().catch(function () { /* offline: try again on the next use */ }); }
    link.hidden = true;
    form.hidden = false;
    [input, box && box.querySelector("input")].forEach(function (field) {
      if (!field) return;
      field.addEventListener("focus", use);
      field.addEventListener("input", use);
    });
    if (box) box.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = input.value.trim();
      if (/^[1-5]\d\d$/.test(query) || !query) { location.href = "/" + (query && query + "/"); return; }
      load().then(function () { window.httpLookup.go(query); }, function () {
        location.href = "/?q=" + encodeURIComponent(query); // offline: the full list at least
      });
    });
    // The list of matches, and the not-found page for a number, use the look-up at once.
    if ((box && new URLSearchParams(location.search).get("q")) ||
        (document.querySelector("[data-number-answer]") && /^\/\d+\/?$/.test(location.pathname))) use();
  }

  function setupTabs() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-tabs]"), function (box, boxIndex) {
      var panels = Array.prototype.slice.call(box.querySelectorAll(".example"));
      if (panels.length < 2) return;
      var list = document.createElement("div");
      list.setAttribute("role", "tablist");
      list.setAttribute("aria-label", "Code examples");
      list.className = "tablist";
      var tabs = panels.map(function (panel, index) {
        var tab = document.createElement("button");
        tab.type = "button";
        tab.id = "tab-" + boxIndex + "-" + index;
        tab.setAttribute("role", "tab");
        tab.setAttribute("aria-controls", panel.id);
        tab.textContent = panel.querySelector("h3").textContent;
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tab.id);
        tab.addEventListener("click", function () { select(index, false); });
        tab.addEventListener("keydown", function (event) {
          var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
          if (event.key === "Home") select(0, true);
          else if (event.key === "End") select(tabs.length - 1, true);
          else if (step) select((index + step + tabs.length) % tabs.length, true);
          else return;
          event.preventDefault();
        });
        list.appendChild(tab);
        return tab;
      });
      function select(chosen, focus) {
        tabs.forEach(function (tab, index) {
          var on = index === chosen;
          tab.setAttribute("aria-selected", on ? "true" : "false");
          tab.tabIndex = on ? 0 : -1;
          panels[index].hidden = !on;
        });
        if (focus) tabs[chosen].focus();
      }
      box.classList.add("tabbed");
      box.insertBefore(list, box.firstChild);
      select(0, false);
    });
  }

  function setupCopy() {
    if (!navigator.clipboard) return;
    Array.prototype.forEach.call(document.querySelectorAll("pre.hl"), function (pre) {
      var wrap = document.createElement("div");
      wrap.className = "code-wrap";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.textContent).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        }, function () { button.textContent = "Copy failed"; });
      });
      wrap.appendChild(button);
    });
  }

  // Offline reading: the service worker named on this script's tag keeps the pages opened and
  // the look-up; registered once the page has loaded, so it costs a first visit nothing.
  var worker = document.currentScript && document.currentScript.getAttribute("data-sw");
  if (worker && navigator.serviceWorker) addEventListener("load", function () {
    navigator.serviceWorker.register(worker).catch(function () { /* not offered here */ });
  });
  ready(function () {
    setupTheme();
    setupLookup();
    setupTabs();
    setupCopy();
  });
})();
