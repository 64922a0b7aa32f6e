// The look-up, loaded by site.js only when a look-up box is used (or the page is the list of
// matches, or the not-found page for a number), so that no first visit pays for it.
(function () {
  "use strict";

  // The look-up index (/api/lookup.json): fetched once, on first use of a look-up box, so a
  // first visit costs nothing. Every item is found by the words of its label, detail and other
  // words; a message is also found whole inside a pasted text, its placeholders ({host}, {url})
  // standing for whatever the screen showed there.
  var index = null;
  var SEPARATOR = "[^a-z0-9]*";
  function lookupData() {
    if (!index) {
      index = fetch("/api/lookup.json").then(function (response) { return response.json(); }).then(function (data) {
        data.items.forEach(function (item) {
          item.terms = tokens(item.label.replace(/\{[a-z]+\}/g, " ") + " " + item.detail + " " + item.words);
          item.phrase = item.terms.join(" ");
          if (item.kind === "message") item.whole = wholePattern(item.label);
        });
        return data;
      });
      index.catch(function () { index = null; }); // offline: try again on the next use
    }
    return index;
  }

  // Quotes and apostrophes either way, any case, underscores as spaces.
  function fold(text) {
    return text.normalize("NFKC").toLowerCase().replace(/[\u2018\u2019\u02bc`']/g, "");
  }

  // The words of a text, as the look-up compares them.
  function tokens(text) {
    return fold(text).match(/[a-z0-9]+(?:\.[a-z0-9]+)*/g) || [];
  }

  // A message as a pattern that finds it in a pasted text: its words in order, anything
  // between them that is not a letter or digit, anything at all where a placeholder stands.
  function wholePattern(label) {
    var pieces = [];
    label.split(/\{[a-z]+\}/).forEach(function (part, at) {
      if (at) pieces.push(".+");
      var words = tokens(part).map(function (word) { return word.replace(/\./g, "\\."); });
      if (words.length) pieces.push(words.join("[^a-z0-9]+"));
    });
    return { regex: new RegExp("(?:^|[^a-z0-9])" + pieces.join(SEPARATOR) + "(?![a-z0-9])"),
             size: tokens(label.replace(/\{[a-z]+\}/g, " ")).length };
  }

  // The items a query finds, best first: a message found whole in it (the longest first),
  // then every item of which each word typed begins a word.
  function search(data, query) {
    var words = tokens(query);
    var folded = fold(query);
    var phrase = words.join(" ");
    if (!words.length) return [];
    return data.items.map(function (item) {
      if (item.whole && item.whole.regex.test(folded)) return { item: item, score: 1000 + item.whole.size };
      var all = words.every(function (word) {
        return item.terms.some(function (term) { return term.lastIndexOf(word, 0) === 0; });
      });
      if (!all) return null;
      return { item: item, score: words.length * 10 + (item.phrase.indexOf(phrase) !== -1 ? 5 : 0) };
    }).filter(Boolean).sort(function (a, b) { return b.score - a.score; });
  }

  // The one page a query leads to: the best match when no other page scores as well.
  function bestPage(results) {
    if (!results.length) return null;
    var page = results[0].item.path.split("#")[0];
    var tied = results.filter(function (result) { return result.score === results[0].score; });
    return tied.every(function (result) { return result.item.path.split("#")[0] === page; }) ? results[0].item.path : null;
  }

  // What a number without a page is: an unregistered code of a class, or not a status at all.
  function unknownAnswer(data, number) {
    var n = parseInt(number, 10);
    var known = data.items.some(function (item) { return item.kind === "code" && item.path === "/" + n + "/"; });
    if (known || !/^\d+$/.test(number)) return null;
    var valid = n >= 100 && n <= 599 && number.length === 3;
    var text = data.unknown[valid ? "unregistered" : "invalid"].replace(/\{n\}/g, String(n));
    var first = valid ? data.items.filter(function (item) { return item.path === "/" + Math.floor(n / 100) * 100 + "/"; })[0] : null;
    var box = document.createElement("p");
    var parts = text.split("{first}");
    box.appendChild(document.createTextNode(parts[0]));
    if (first && parts.length > 1) {
      var link = document.createElement("a");
      link.href = first.path;
      link.textContent = first.label;
      box.appendChild(link);
      box.appendChild(document.createTextNode(parts[1]));
    }
    var spec = document.createElement("a");
    spec.href = data.spec.url;
    spec.textContent = data.spec.text;
    box.appendChild(document.createTextNode(" ("));
    box.appendChild(spec);
    box.appendChild(document.createTextNode(")."));
    return box;
  }

  // A message's text with each placeholder shown as a variable.
  function showText(target, text) {
    text.split(/(\{[a-z]+\})/).forEach(function (part) {
      var name = /^\{([a-z]+)\}$/.exec(part);
      var node = name ? document.createElement("var") : document.createTextNode(part);
      if (name) node.textContent = name[1];
      target.appendChild(node);
    });
  }

  // The header's box: suggestions as the visitor types or pastes, and `go` for Enter.
  function setupHeader() {
    var form = document.querySelector("[data-lookup-form]");
    if (!form) return;
    var input = form.elements.q;
    var list = form.querySelector("[data-suggest]");
    function suggest() {
      var query = input.value.trim();
      lookupData().then(function (data) {
        if (input.value.trim() !== query) return;
        list.textContent = "";
        var answer = unknownAnswer(data, query);
        if (answer) {
          var item = document.createElement("li");
          item.className = "answer";
          item.appendChild(answer);
          list.appendChild(item);
        }
        search(data, query).slice(0, 6).forEach(function (result) {
          var row = document.createElement("li");
          var to = document.createElement("a");
          var detail = document.createElement("span");
          to.href = result.item.path;
          showText(to, result.item.label);
          detail.textContent = result.item.detail;
          to.appendChild(detail);
          row.appendChild(to);
          list.appendChild(row);
        });
        list.hidden = !list.firstChild;
      }, function () { /* offline: Go still works */ });
    }
    input.addEventListener("input", suggest);
    // Escape or a click elsewhere closes the list; the down arrow moves into it.
    form.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (event.key === "Escape") { list.hidden = true; input.focus(); }
      else if (event.key === "ArrowDown" && links.length) links[Math.min(at + 1, links.length - 1)].focus();
      else if (event.key === "ArrowUp" && at !== -1) (at ? links[at - 1] : input).focus();
      else return;
      event.preventDefault();
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) list.hidden = true;
    });
    if (input.value.trim()) suggest();
  }

  // Where Enter takes a query: the one page it names, else the home page's list of matches
  // (a number without a page: the not-found page, which says what the number is).
  function go(query) {
    var elsewhere = /^\d+$/.test(query) ? "/" + query + "/" : "/?q=" + encodeURIComponent(query);
    lookupData().then(function (data) {
      location.href = bestPage(search(data, query)) || elsewhere;
    }, function () { location.href = elsewhere; });
  }

  // The not-found page, reached by typing a number into the address bar (/299/): what it is.
  function setupNotFound() {
    var target = document.querySelector("[data-number-answer]");
    var number = /^\/(\d+)\/?$/.exec(location.pathname);
    if (!target || !number) return;
    lookupData().then(function (data) {
      var answer = unknownAnswer(data, number[1]);
      if (!answer) return;
      target.textContent = "";
      target.appendChild(answer);
      target.hidden = false;
    }, function () { /* offline: the page's own words stay */ });
  }

  function setupFilter() {
    var box = document.querySelector("[data-filter]");
    if (!box) return;
    var input = box.querySelector("input");
    var status = box.querySelector("[data-filter-status]");
    var answer = box.querySelector("[data-filter-answer]");
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-code]"));
    var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group]"));
    // Each row is found by its own text now, and once the look-up index has arrived by its
    // former names, keywords and vendors; comparisons, failures and messages arrive with it as
    // rows of their own, shown only when they match.
    var records = rows.map(function (row) { return { terms: tokens(row.textContent), phrase: "", always: true }; });
    var data = null;
    function addRow(item) {
      var list = document.querySelector("[data-kind-list=" + item.kind + "]");
      if (!list) return;
      var row = document.createElement("li");
      var to = document.createElement("a");
      var detail = document.createElement("span");
      to.href = item.path;
      showText(to, item.label);
      detail.className = "sum";
      detail.textContent = item.detail;
      row.appendChild(to);
      row.appendChild(document.createTextNode(" "));
      row.appendChild(detail);
      list.appendChild(row);
      rows.push(row);
      records.push(item);
    }
    function load() {
      lookupData().then(function (loaded) {
        if (data) return;
        data = loaded;
        data.items.forEach(function (item) {
          var at = rows.findIndex(function (row) { return row.getAttribute("data-code") && item.path === "/" + row.getAttribute("data-code") + "/"; });
          if (at === -1) addRow(item);
          else records[at] = { terms: records[at].terms.concat(item.terms), phrase: item.phrase, always: true };
        });
        apply();
      }, function () { /* offline: the visible text still filters */ });
    }
    function apply() {
      var query = input.value.trim();
      var found = search({ items: records }, query);
      var shown = found.length;
      rows.forEach(function (row, index) {
        row.hidden = query ? found.every(function (result) { return result.item !== records[index]; }) : !records[index].always;
      });
      groups.forEach(function (group) { group.hidden = !group.querySelector("li:not([hidden])"); });
      var number = data && unknownAnswer(data, query);
      answer.textContent = "";
      if (number) answer.appendChild(number);
      answer.hidden = !number;
      status.textContent = query ? (shown ? shown + " of " + rows.length + " match" : "Nothing matches “" + query + "”") : "";
    }
    input.addEventListener("input", apply);
    var query = new URLSearchParams(location.search).get("q");
    // A search from the address bar (OpenSearch) for a number with a page goes to it.
    var number = /^\s*(\d{3})\s*$/.exec(query || "");
    if (number && document.querySelector('[data-code="' + number[1] + '"]')) {
      location.replace("/" + number[1] + "/");
      return;
    }
    if (query && !input.value) input.value = query;
    load();
    apply();
  }

  window.httpLookup = { go: go };
  setupHeader();
  setupNotFound();
  setupFilter();
})();
