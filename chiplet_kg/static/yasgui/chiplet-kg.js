// The chiplet-kg query page: YASGUI over the same-origin /sparql endpoint, the named queries as examples.
// The page's data (endpoint, prefixes, examples) is read from the JSON block #chiplet-kg-data and only ever
// put into the page as text (textContent, option text, the editor's value), never as HTML.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("chiplet-kg-data").textContent);
  const Yasgui = window.Yasgui;
  const $ = id => document.getElementById(id);

  // Offline: YASQE's "property" and "class" autocompleters ask lov.linkeddata.es for terms. Keep the two that
  // work locally ("prefixes" uses the list bundled in YASQE, since prefixCcApi stays null). Set on the defaults
  // because YASGUI merges arrays index by index, so a shorter list in the config would not remove entries.
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  Yasgui.Yasqe.defaults.prefixCcApi = null;

  // Completing a prefix (after PREFIX, or the PREFIX line YASQE adds when a query uses an undeclared prefix such as
  // ckgd:) offers the project's prefixes first, then YASQE's bundled list. Not cached in localStorage: it is local.
  const bundledPrefixes = Yasgui.Yasqe.Autocompleters.prefixes;
  const ours = Object.keys(data.prefixes);
  Yasgui.Yasqe.Autocompleters.prefixes = Object.assign({}, bundledPrefixes, {
    persistenceId: null,
    get: yasqe => bundledPrefixes.get(yasqe).then(list => ours.map(p => p + ": <" + data.prefixes[p] + ">")
      .concat(list.filter(line => !ours.includes(line.slice(0, line.indexOf(":")))))),
  });

  const endpoint = new URL(data.endpoint, window.location.href).href;
  const yasgui = new Yasgui($("yasgui"), {
    requestConfig: {endpoint: endpoint, method: "POST"},
    // The only endpoint offered (YASGUI's default catalogue lists DBpedia and Wikidata).
    endpointCatalogueOptions: {getData: () => [{endpoint: endpoint}]},
    copyEndpointOnNewTab: false,
    corsProxy: undefined,
    // Tabs are kept in this browser's localStorage under this key; nothing is stored on the server.
    persistenceId: "chiplet-kg",
    // A link cannot set the endpoint or a query through the URL fragment.
    populateFromUrl: false,
    yasqe: {value: data.defaultQuery},
    yasr: {prefixes: data.prefixes, defaultPlugin: "table", pluginOrder: ["table", "response"]},
  });
  window.chipletKgYasgui = yasgui;  // for tests and the console

  const byName = new Map(data.examples.map(q => [q.name, q]));
  const select = $("example");
  const lang = $("example-lang");

  function fillExamples() {
    const chosen = select.value;
    select.replaceChildren();
    for (const q of data.examples) {
      const option = document.createElement("option");
      option.value = q.name;
      option.textContent = q.name + " — " + (lang.value === "zh" ? q.title_zh : q.title);
      select.appendChild(option);
    }
    if (chosen) select.value = chosen;
    describe();
  }

  function describe() {
    const q = byName.get(select.value);
    let text = q ? q.description : "";
    if (q && q.params.length) {
      text += " In the editor its parameters are unbound (add VALUES ?" + q.params[0].name + " { … }); "
        + "\u201cRun with parameters\u201d runs /queries/" + q.name + " with the values below, bound by the server "
        + "(an entity by label, ISO code or IRI), and shows its answer with labels.";
    }
    $("example-description").textContent = text;
    const box = $("params");
    box.replaceChildren();
    if (!q || !q.params.length) return;
    for (const p of q.params) {
      const label = document.createElement("label");
      label.textContent = p.name + (p.required ? " *" : "") + " (" + p.kind + ") ";
      const input = document.createElement("input");
      input.name = p.name;
      input.value = p.default;
      input.size = 24;
      label.appendChild(input);
      box.appendChild(label);
    }
    const run = document.createElement("button");
    run.type = "button";
    run.id = "run-named";
    run.textContent = "Run with parameters";
    run.addEventListener("click", runNamed);
    box.appendChild(run);
  }

  // The named query endpoint binds the values as RDF terms (never as query text) and adds label columns; its
  // answer goes into a new tab's results, with the query text (unbound) in the editor for reference.
  async function runNamed() {
    const q = byName.get(select.value);
    if (!q) return null;
    const params = new URLSearchParams();
    for (const input of $("params").querySelectorAll("input")) {
      if (input.value.trim()) params.set(input.name, input.value.trim());
    }
    params.set("lang", lang.value);
    const url = "/queries/" + encodeURIComponent(q.name) + "?" + params.toString();
    const tab = yasgui.addTab(true, {
      name: q.name + " (" + lang.value + ")",
      yasqe: {value: "# The results below: GET " + url + " (parameters bound by the server)\n" + q.text[lang.value]},
      requestConfig: {endpoint: endpoint}});
    const started = Date.now();
    let response;
    try {
      response = await fetch(url, {headers: {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}});
    } catch (err) {
      tab.getYasr().setResponse(err instanceof Error ? err : new Error(String(err)));
      return tab;
    }
    const content = await response.text();
    tab.getYasr().setResponse({ok: response.ok, status: response.status, statusText: response.ok ? "OK" : content,
                               headers: response.headers, type: response.type, content: content},
                              Date.now() - started);
    return tab;
  }

  function openExample() {
    const q = byName.get(select.value);
    if (!q) return null;
    return yasgui.addTab(true, {name: q.name + (lang.value === "zh" ? " (zh)" : ""),
                                yasqe: {value: q.text[lang.value]},
                                requestConfig: {endpoint: endpoint}});
  }

  select.addEventListener("change", describe);
  lang.addEventListener("change", fillExamples);
  $("open-example").addEventListener("click", openExample);
  fillExamples();
})();
