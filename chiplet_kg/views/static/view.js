/* chiplet-kg view: builds the vis-network from the JSON payload; every text goes into the page as text. */
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("chiplet-data").textContent);
  var ui = payload.ui;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  var nodes = new vis.DataSet(payload.nodes);
  var edges = new vis.DataSet(payload.edges);
  var container = document.getElementById("network");
  var state = { nodes: nodes, edges: edges, network: null, ready: false, frozen: false, payload: payload };
  window.chipletView = state;

  var network = new vis.Network(container, { nodes: nodes, edges: edges }, payload.options);
  state.network = network;

  function markReady() {
    if (state.ready) { return; }
    state.ready = true;
    document.body.setAttribute("data-ready", "true");
  }
  if (payload.freeze) {
    // Stabilise once, then freeze: physics on a large graph would keep the page busy for ever.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      state.frozen = true;
      network.fit({ animation: false });
      markReady();
    });
  } else {
    network.once("afterDrawing", markReady);
  }

  // ---------------------------------------------------------------- legend
  var legend = document.getElementById("legend-items");
  payload.legend.forEach(function (entry) {
    var row = el("li", "legend-row");
    var glyph = el("span", "legend-glyph", entry.glyph);
    glyph.style.color = entry.color;
    if (entry.border) { glyph.style.textShadow = "0 0 2px " + entry.border; }
    row.appendChild(glyph);
    row.appendChild(el("span", "legend-label", entry.label));
    if (entry.count !== undefined) { row.appendChild(el("span", "legend-count", entry.count)); }
    legend.appendChild(row);
  });

  // ---------------------------------------------------------------- details panel
  var details = document.getElementById("details");
  function showDetails(rows, page) {
    while (details.firstChild) { details.removeChild(details.firstChild); }
    rows.forEach(function (pair) {
      details.appendChild(el("dt", null, pair[0]));
      details.appendChild(el("dd", null, pair[1]));
    });
    if (page) {
      // The entity's page in the static site (a relative path the build made, never text from the graph).
      details.appendChild(el("dt", null, ui.page));
      var dd = el("dd");
      var a = el("a", "page-link", ui.open);
      a.setAttribute("href", page);
      dd.appendChild(a);
      details.appendChild(dd);
    }
  }
  network.on("doubleClick", function (params) {
    if (params.nodes.length) {
      var n = nodes.get(params.nodes[0]);
      if (n.page) { window.location.href = n.page; }
    }
  });
  network.on("click", function (params) {
    if (params.nodes.length) {
      var n = nodes.get(params.nodes[0]);
      showDetails(n.info, n.page);
    } else if (params.edges.length) {
      var e = edges.get(params.edges[0]);
      showDetails(e.info);
    }
  });

  // ---------------------------------------------------------------- search
  var input = document.getElementById("search");
  var counter = document.getElementById("search-count");
  var matches = [];
  var current = -1;
  function norm(text) { return String(text || "").toLowerCase(); }
  function runSearch() {
    var q = norm(input.value).trim();
    matches = [];
    current = -1;
    if (q) {
      nodes.forEach(function (n) {
        if (n.search.indexOf(q) !== -1) { matches.push(n.id); }
      });
    }
    network.selectNodes(matches);
    counter.textContent = q ? ui.matches.replace("{n}", String(matches.length)) : "";
    if (matches.length) { step(); }
  }
  function step() {
    if (!matches.length) { return; }
    current = (current + 1) % matches.length;
    network.focus(matches[current], { scale: 1.2, animation: false });
    showDetails(nodes.get(matches[current]).info, nodes.get(matches[current]).page);
  }
  input.addEventListener("input", runSearch);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); step(); }
    if (ev.key === "Escape") { input.value = ""; runSearch(); network.fit({ animation: false }); }
  });
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: false }); });
}());
