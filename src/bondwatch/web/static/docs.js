// /docs: the OpenAPI description rendered offline: each endpoint, its parameters and a link to try it.
"use strict";
(async function () {
  const main = document.getElementById("main");
  const spec = await (await fetch("/api/v1/openapi.json")).json();
  const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  let html = `<h1>${esc(spec.info.title)} API ${esc(spec.info.version)}</h1><p>${esc(spec.info.description)}</p>`;
  for (const [path, ops] of Object.entries(spec.paths)) {
    const op = ops.get;
    if (!op) continue;
    const params = (op.parameters || []).map((p) =>
      `<li><code>${esc(p.name)}</code> (${p.in}${p.required ? ", required" : ""}) ${esc(p.description || "")}</li>`).join("");
    const form = (op.parameters || []).map((p) =>
      `<label>${esc(p.name)} <input name="${esc(p.name)}" data-in="${p.in}" size="10"></label>`).join(" ");
    html += `<section class="endpoint"><h2><code>GET ${esc(path)}</code></h2><p>${esc(op.summary || "")}</p>
      <ul>${params}</ul><form data-path="${esc(path)}">${form} <button>Try</button></form></section>`;
  }
  main.innerHTML = html;
  main.dataset.state = "ready";
  main.addEventListener("submit", (event) => {
    event.preventDefault();
    const formEl = event.target;
    let url = formEl.dataset.path;
    const query = new URLSearchParams();
    for (const input of formEl.querySelectorAll("input")) {
      if (!input.value) continue;
      if (input.dataset.in === "path") url = url.replace(`{${input.name}}`, encodeURIComponent(input.value));
      else query.append(input.name, input.value);
    }
    window.location.href = url + (query.toString() ? `?${query}` : "");
  });
})();
