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
      text += " Parameters, unbound in the editor (bind one with VALUES ?" + q.params[0].name + " { … }, or run /queries/"
        + q.name + "?" + q.params[0].name + "=…): "
        + q.params.map(p => p.name + " (" + p.kind + (p.required ? ", required" : "") + ")").join(", ") + ".";
    }
    $("example-description").textContent = text;
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
