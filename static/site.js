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

  function setupLookup() {
    var link = document.querySelector("[data-lookup]");
    var form = document.querySelector("[data-lookup-form]");
    if (!link || !form) return;
    link.hidden = true;
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = form.elements.q.value.trim();
      if (/^[1-5]\d\d$/.test(query)) location.href = "/" + query + "/";
      else location.href = "/" + (query ? "?q=" + encodeURIComponent(query) : "");
    });
  }

  function setupFilter() {
    var box = document.querySelector("[data-filter]");
    if (!box) return;
    var input = box.querySelector("input");
    var status = box.querySelector("[data-filter-status]");
    var compared = document.querySelector("[data-compare-list]");
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-code]"));
    var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group]"));
    // What a row is found by: its own text now, and once /api/codes.json has arrived (fetched
    // on first use, so it costs a first visit nothing) its former names, keywords and vendors;
    // the comparisons ("401 vs 403", "403 or 404") arrive with it as rows of their own.
    var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
    var loading = false;
    box.hidden = false;
    function comparisonRow(item) {
      var row = document.createElement("li");
      var link = document.createElement("a");
      var name = document.createElement("span");
      var phrases = document.createElement("span");
      row.setAttribute("data-code", item.name);
      link.href = item.path;
      name.className = "num";
      name.textContent = item.name;
      phrases.className = "sum";
      phrases.textContent = item.phrases.join(" vs ");
      link.appendChild(name);
      row.appendChild(link);
      row.appendChild(phrases);
      compared.appendChild(row);
      rows.push(row);
      texts.push([item.name, item.codes.join(" or "), item.codes.slice().reverse().join(" vs "),
        item.phrases.join(" vs ")].concat(item.keywords).join(" ").toLowerCase());
    }
    function load() {
      if (loading) return;
      loading = true;
      fetch("/api/codes.json").then(function (response) { return response.json(); }).then(function (data) {
        var extra = {};
        data.codes.forEach(function (item) {
          extra[item.code] = [item["class"]].concat(item.aliases, item.keywords, item.vendors,
            item.vendor_meanings.map(function (meaning) { return meaning.phrase; })).join(" ").toLowerCase();
        });
        texts = rows.map(function (row, index) { return texts[index] + " " + (extra[row.getAttribute("data-code")] || ""); });
        if (compared) (data.comparisons || []).forEach(comparisonRow);
        apply();
      }, function () { /* offline: the visible text still filters */ });
    }
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, index) {
        var match = words.length > 0 || row.parentNode !== compared ?
          words.every(function (word) { return texts[index].indexOf(word) !== -1; }) : false;
        row.hidden = !match;
        if (match) shown += 1;
      });
      groups.forEach(function (group) { group.hidden = !group.querySelector("li:not([hidden])"); });
      status.textContent = words.length ? (shown ? shown + " of " + rows.length + " match" : "No code matches “" + input.value.trim() + "”") : "";
    }
    input.addEventListener("focus", load);
    input.addEventListener("input", function () { load(); apply(); });
    var query = new URLSearchParams(location.search).get("q");
    if (query) { input.value = query; load(); apply(); }
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

  ready(function () {
    setupTheme();
    setupLookup();
    setupFilter();
    setupTabs();
    setupCopy();
  });
})();
