/* chiplet-kg site: the language switch, the index's search and filters, an entity's neighbourhood.
   Every text from the graph is set with textContent: none is ever parsed as HTML. */
(function () {
  "use strict";
  var KEY = "chiplet-kg-lang";
  var root = document.documentElement;
  var state = { ready: false, lang: "en" };
  window.chipletSite = state;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function ready() { state.ready = true; document.body.setAttribute("data-ready", "true"); }

  // ---------------------------------------------------------------- language (remembered across pages)
  var listeners = [];
  function setLang(lang) {
    state.lang = lang === "zh" ? "zh" : "en";
    root.setAttribute("data-lang", state.lang);
    root.setAttribute("lang", state.lang);
    try { window.localStorage.setItem(KEY, state.lang); } catch (e) { /* storage off: the switch still works */ }
    listeners.forEach(function (f) { f(state.lang); });
  }
  var saved = null;
  try { saved = window.localStorage.getItem(KEY); } catch (e) { saved = null; }
  setLang(saved || ((navigator.language || "").toLowerCase().indexOf("zh") === 0 ? "zh" : "en"));
  var button = document.getElementById("lang-switch");
  if (button) {
    button.addEventListener("click", function () { setLang(state.lang === "en" ? "zh" : "en"); });
  }

  // ---------------------------------------------------------------- index: search and filters
  var indexData = document.getElementById("index-data");
  if (indexData) {
    var data = JSON.parse(indexData.textContent);
    var input = document.getElementById("search");
    var byClass = document.getElementById("class-filter");
    var byCountry = document.getElementById("country-filter");
    var list = document.getElementById("results");
    var count = document.getElementById("count");
    var LIMIT = 300;
    function squash(text) { return String(text || "").toLowerCase().replace(/[\s\u3000]+/g, ""); }
    data.entries.forEach(function (e) { e.s = squash([e.en, e.zh, e.q, e.a].join(" ")); });
    function fill(select, table) {
      Object.keys(table).forEach(function (key) {
        var opt = el("option", null, table[key][0] === table[key][1] ? table[key][0] : table[key][0] + " / " + table[key][1]);
        opt.value = key;
        select.appendChild(opt);
      });
    }
    fill(byClass, data.classes);
    fill(byCountry, data.countries);
    function label(e) { return state.lang === "zh" ? e.zh : e.en; }
    function run() {
      var q = squash(input.value), c = byClass.value, k = byCountry.value, shown = 0, found = 0;
      while (list.firstChild) { list.removeChild(list.firstChild); }
      data.entries.forEach(function (e) {
        if (q && e.s.indexOf(q) === -1) { return; }
        if (c && e.c !== c) { return; }
        if (k && e.k.indexOf(k) === -1) { return; }
        found += 1;
        if (shown >= LIMIT) { return; }
        shown += 1;
        var li = el("li");
        var a = el("a", "entity", label(e));
        a.setAttribute("href", e.p);
        li.appendChild(a);
        var other = state.lang === "zh" ? e.en : e.zh;
        if (other && other !== label(e)) { li.appendChild(el("span", "other", other)); }
        var cls = data.classes[e.c];
        if (cls) { li.appendChild(el("span", "cls", state.lang === "zh" ? cls[1] : cls[0])); }
        li.appendChild(el("code", "qname", e.q));
        list.appendChild(li);
      });
      count.textContent = found + (state.lang === "zh" ? " 项" : " found") + (found > shown ? " (" + shown + ")" : "");
    }
    input.addEventListener("input", run);
    byClass.addEventListener("change", run);
    byCountry.addEventListener("change", run);
    listeners.push(run);
    state.search = run;
    run();
    ready();
  }

  // ---------------------------------------------------------------- entity: the neighbourhood
  var netData = document.getElementById("network-data");
  if (netData) {
    var payload = JSON.parse(netData.textContent);
    var container = document.getElementById("network");
    if (!window.vis || !container) { ready(); return; }
    function nodeLabel(n) { var t = state.lang === "zh" ? n.zh : n.en; return t.length > 36 ? t.slice(0, 35) + "…" : t; }
    var nodes = new vis.DataSet(payload.nodes.map(function (n) {
      return { id: n.id, label: nodeLabel(n), title: n.en === n.zh ? n.en : n.en + "\n" + n.zh, shape: n.shape,
               color: n.color, size: n.focus ? 24 : 14, borderWidth: n.focus ? 4 : 1, href: n.href,
               font: { size: 14, strokeWidth: 3, strokeColor: "#ffffff" } };
    }));
    var edges = new vis.DataSet(payload.edges.map(function (e, i) {
      return { id: "e" + i, from: e.from, to: e.to, label: state.lang === "zh" ? e.zh : e.en, arrows: "to",
               dashes: e.dashes, en: e.en, zh: e.zh,
               font: { size: 10, align: "middle", color: "#616161", strokeWidth: 2, strokeColor: "#ffffff" } };
    }));
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
      autoResize: true, interaction: { hover: true, tooltipDelay: 150 },
      layout: { randomSeed: 7, improvedLayout: payload.nodes.length <= 60 },
      edges: { color: { color: "#9e9e9e", highlight: "#212121" }, smooth: { enabled: true, type: "dynamic" } },
      physics: { solver: "forceAtlas2Based", forceAtlas2Based: { gravitationalConstant: -60, springLength: 120 },
                 stabilization: { enabled: true, iterations: 300, fit: true } }
    });
    state.network = network;
    state.nodes = nodes;
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      ready();
    });
    network.on("click", function (params) {
      if (params.nodes.length) {
        var n = nodes.get(params.nodes[0]);
        if (n && n.href) { window.location.href = n.href; }
      }
    });
    listeners.push(function () {
      nodes.update(payload.nodes.map(function (n) { return { id: n.id, label: nodeLabel(n) }; }));
      edges.update(edges.get().map(function (e) { return { id: e.id, label: state.lang === "zh" ? e.zh : e.en }; }));
    });
  } else if (!indexData) {
    ready();
  }
}());
