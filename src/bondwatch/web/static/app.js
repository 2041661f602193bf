// The bondwatch dashboard: every page reads the REST API (/api/v1) and renders its Result
// documents; the page's query parameters reproduce what is shown. Charts: uPlot (vendored, MIT).
"use strict";

const main = document.getElementById("main");
const PAGE = document.body.dataset.page;
window.bondwatchCharts = [];

// ----------------------------------------------------------------------------- helpers
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function fmt(value, digits = 2) {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return esc(value);
}

function query() {
  return Object.fromEntries(new URLSearchParams(window.location.search));
}

function setQuery(params) {
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== undefined));
  const search = new URLSearchParams(clean).toString();
  history.replaceState(null, "", window.location.pathname + (search ? `?${search}` : ""));
}

function apiUrl(path, params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === "" || value === null || value === undefined) continue;
    for (const item of [].concat(value)) search.append(key, item);
  }
  const text = search.toString();
  return `/api/v1/${path}${text ? `?${text}` : ""}`;
}

class ApiError extends Error {}

async function api(path, params = {}) {
  const response = await fetch(apiUrl(path, params));
  const body = await response.json();
  if (!response.ok) throw new ApiError(body.error || `HTTP ${response.status}`);
  return body;
}

function downloads(path, params = {}, table = null) {
  const extra = table ? { table } : {};
  return `<p class="downloads">download <a href="${esc(apiUrl(path, { ...params, format: "csv", ...extra }))}">CSV</a>
    · <a href="${esc(apiUrl(path, params))}">JSON</a></p>`;
}

function tableHtml(rows, columns) {
  const head = columns.map((c) => `<th>${esc(c.label ?? c.key)}</th>`).join("");
  const body = rows.map((r) => "<tr>" + columns.map((c) => {
    const value = c.render ? c.render(r) : fmt(r[c.key], c.digits ?? 2);
    return `<td class="${typeof r[c.key] === "number" ? "num" : ""}">${value}</td>`;
  }).join("") + "</tr>").join("");
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function sourcesHtml(sources) {
  if (!sources || !sources.length) return "";
  const items = sources.map((s) => `<li><b>${esc(s.used_for || "")}</b>: ${esc(s.publisher)}
    (<code>${esc(s.location)}</code>${s.vintage ? `, ${esc(s.vintage)}` : ""}${s.retrieved_at ? `, retrieved ${esc(s.retrieved_at.slice(0, 10))}` : ""}${s.provenance_id ? `, import #${s.provenance_id}` : ""})</li>`);
  return `<details class="sources"><summary>Sources (${sources.length})</summary><ul>${items.join("")}</ul></details>`;
}

function errorHtml(error) {
  return `<p class="error" role="alert">${esc(error.message)}</p>`;
}

const COLORS = ["#1f5fa8", "#c0392b", "#2e8b57", "#b8860b", "#7d3c98", "#117a8b", "#555"];
const toTime = (iso) => Date.parse(iso + "T00:00:00Z") / 1000;

// A uPlot chart in ``el``: x values (ISO dates when opts.time, else numbers) and named series.
// ``xNames``: integer x values 1..n shown as these names (years, quarters, periods).
// Hovering shows each series' value in the legend. ``data-points`` holds the number of x values.
function chart(el, { title, x, series, time = true, xLabel = "", yLabel = "", bands = [], xNames = null }) {
  const width = Math.max(320, Math.min((el.clientWidth || 860) - 12, 960));
  const xs = time ? x.map(toTime) : x;
  const xAxis = { label: xLabel };
  if (xNames) Object.assign(xAxis, { incrs: [1, 2, 5, 10], values: (u, vals) => vals.map((v) => xNames[v - 1] ?? "") });
  const opts = {
    title, width, height: 300,
    scales: { x: { time } },
    axes: [xAxis, { label: yLabel, size: 60 }],
    series: [{ label: xLabel || (time ? "date" : "x"),
      value: time ? "{YYYY}-{MM}-{DD}" : (u, v) => (v === null ? "–" : xNames ? xNames[v - 1] ?? "" : String(v)) }].concat(series.map((s, i) => ({
      label: s.label, stroke: s.color || COLORS[i % COLORS.length], width: s.width ?? 1.5, dash: s.dash,
      fill: s.fill, spanGaps: true, points: { show: s.points ?? xs.length < 40 },
      value: (u, v) => (v === null || v === undefined ? "–" : v.toFixed(s.digits ?? 2)),
    }))),
    bands,
    legend: { live: true },
  };
  el.innerHTML = "";
  el.dataset.points = String(xs.length);
  el.dataset.series = String(series.length);
  const plot = new uPlot(opts, [xs, ...series.map((s) => s.values)], el);
  window.bondwatchCharts.push(plot);
  return plot;
}

function formHtml(fields) {
  return `<form class="controls">${fields.map((f) => {
    if (f.options) {
      const options = f.options.map((o) => {
        const [value, label] = Array.isArray(o) ? o : [o, o];
        return `<option value="${esc(value)}"${String(value) === String(f.value ?? "") ? " selected" : ""}>${esc(label)}</option>`;
      }).join("");
      const resets = f.resets ? ` data-resets="${f.resets}"` : "";
      return `<label>${esc(f.label)} <select name="${f.name}"${resets}>${options}</select></label>`;
    }
    return `<label>${esc(f.label)} <input name="${f.name}" type="${f.type || "text"}" value="${esc(f.value ?? "")}"
      ${f.step ? `step="${f.step}"` : ""} size="${f.size || 10}"></label>`;
  }).join(" ")} <button type="submit">Show</button></form>`;
}

// Wire a page: render(params) draws it; the form's fields are URL parameters.
function page(title, render, defaults = {}) {
  const draw = async () => {
    const params = { ...defaults, ...query() };
    window.bondwatchCharts.forEach((c) => c.destroy());
    window.bondwatchCharts = [];
    main.dataset.state = "loading";
    try {
      await render(params);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const body = main.querySelector(".body");
      if (body) body.insertAdjacentHTML("afterbegin", errorHtml(error));
      else main.innerHTML = errorHtml(error);
    }
    main.dataset.state = "ready";
  };
  main.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(event.target));
    setQuery({ ...query(), ...data });
    draw();
  });
  main.addEventListener("change", (event) => {
    if (event.target.tagName !== "SELECT") return;
    const resets = event.target.dataset.resets;  // e.g. a new tenor drops the auction date
    if (resets) {
      setQuery({ ...query(), [resets]: "" });
      const reset = event.target.form.elements[resets];
      if (reset) reset.disabled = true;  // left out of the form's data
    }
    event.target.form.requestSubmit();
  });
  document.title = `${title} · bondwatch`;
  return draw();
}

function shell(title, controls, note = "") {
  main.innerHTML = `<h1>${esc(title)}</h1>${note ? `<p class="note">${note}</p>` : ""}${controls}<div class="body"></div>`;
  return main.querySelector(".body");
}

const verdictCell = (r) => `<span class="verdict ${esc(r.verdict)}">${esc(r.verdict || "–")}</span>`;
const daysBefore = (iso, days) => new Date(Date.parse(iso) - days * 86400000).toISOString().slice(0, 10);

// ----------------------------------------------------------------------------- pages
const ITEM_LINKS = {
  "UST 10y": "/curves", "UST 30y": "/curves", "JGB 10y": "/curves", "JGB 30y": "/curves",
  "UST-JGB 10y spread": "/curves", "UST-JGB 30y spread": "/curves",
  "USD/JPY": "/series?id=DEXJPUS", "5y breakeven": "/series?id=T5YIE", "10y breakeven": "/series?id=T10YIE",
  "Fed total assets": "/series?id=WALCL",
};

async function home(params) {
  const body = shell("Markets", formHtml([{ name: "date", label: "date", type: "date", value: params.date }]));
  const doc = await api("snapshot", { date: params.date });
  const link = (item) => {
    const target = ITEM_LINKS[item.label] || "/";
    const sep = target.includes("?") ? "&" : "?";
    return target.startsWith("/curves") ? `${target}${sep}date=${item.as_of}` : target;
  };
  const tiles = doc.data.map((i) => `<a class="tile" href="${esc(link(i))}"><span class="label">${esc(i.label)}</span>
    <span class="value">${fmt(i.value, i.unit === "$ bn" ? 0 : i.unit === "yen" ? 2 : 3)} <small>${esc(i.unit)}</small></span>
    <span class="chg">1w ${fmt(i.chg_1w, 1)} · 1m ${fmt(i.chg_1m, 1)} · 1y ${fmt(i.chg_1y, 1)} ${esc(i.change_unit)}</span>
    <span class="asof">as of ${esc(i.as_of || "–")}</span></a>`).join("");
  const verdicts = tableHtml(doc.tables.auctions, [
    { key: "tenor", label: "tenor", render: (r) => `<a href="/${r.tenor.startsWith("jgb-") ? "jgb-auction" : "auction"}?tenor=${esc(r.tenor)}&date=${esc(r.auction_date)}">${esc(r.tenor)}</a>` },
    { key: "auction_date", label: "auction" }, { key: "cusip", label: "CUSIP" },
    { key: "verdict", label: "verdict", render: verdictCell },
  ]);
  body.innerHTML = `<p class="note">Market snapshot for ${esc(doc.meta.date)}; changes in ${esc(doc.meta.change_units)}.</p>
    <div class="tiles">${doc.data.length ? tiles : ""}</div>
    ${tableHtml(doc.data, [{ key: "label" }, { key: "value", digits: 3 }, { key: "unit" }, { key: "as_of", label: "as of" },
      { key: "chg_1w", label: "1w", digits: 1 }, { key: "chg_1m", label: "1m", digits: 1 }, { key: "chg_1y", label: "1y", digits: 1 },
      { key: "change_unit", label: "change in" }, { key: "source" }])}
    ${downloads("snapshot", { date: params.date })}
    <h2>Latest auction per tenor</h2>${verdicts}${downloads("snapshot", { date: params.date }, "auctions")}
    <h2>10-year yields, last year</h2><div class="chart" id="chart-yields"></div>
    ${sourcesHtml(doc.sources)}`;
  const since = daysBefore(doc.meta.date, 365);
  const us = await api("series/DGS10", { since, until: doc.meta.date });
  chart(body.querySelector("#chart-yields"), {
    title: "UST 10-year constant maturity (FRED DGS10), percent", x: us.data.map((r) => r.date),
    series: [{ label: "DGS10 %", values: us.data.map((r) => r.value) }], yLabel: "percent",
  });
}

// ----------------------------------------------------------------------------- auction pages (Treasury, JGB)
// The tenor and auction pickers: a new tenor drops the date, so its latest auction shows.
function auctionForm(tenors, tenor, dates, date) {
  return formHtml([
    { name: "tenor", label: "tenor", options: tenors, value: tenor, resets: "date" },
    { name: "date", label: "auction", options: dates, value: date },
  ]);
}

// The ``n`` auctions of ``cards`` (oldest first) up to and including the one ``isCard`` finds.
function lastAuctions(cards, isCard, n = 24) {
  const index = cards.findIndex(isCard);
  return cards.slice(Math.max(0, index - n + 1), index + 1);
}

// A scorecard's metric rows: value, last-6 mean, diff, z, plus the fields ``extra`` adds per metric.
function metricRows(card, metrics, extra) {
  return metrics.map(([key, label, digits = 2]) => ({ label, value: card[key], digits, ...card.vs_last6[key], ...extra(key) }));
}

function verdictHtml(card) {
  const verdict = card.excluded ? `not scored: ${esc(card.excluded)}`
    : `<span class="verdict ${esc(card.verdict)}">${esc((card.verdict || "none").toUpperCase())}</span> (score ${fmt(card.score, 2)})`;
  return `<p class="verdict-line">verdict: ${verdict}</p><ul class="reasons">${card.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>`;
}

const METRIC_COLUMNS = [{ key: "label", label: "metric" }, { key: "value", render: (r) => fmt(r.value, r.digits) },
  { key: "mean", label: "last-6 mean", render: (r) => fmt(r.mean, r.digits) }, { key: "diff", render: (r) => fmt(r.diff, r.digits) },
  { key: "z", digits: 1 }];

const TENORS = ["2y", "3y", "5y", "7y", "10y", "20y", "30y", "5y-tips", "10y-tips", "30y-tips", "2y-frn"];
const METRICS = [["bid_to_cover", "bid-to-cover (x)"], ["indirect_pct", "indirect %"], ["direct_pct", "direct %"],
  ["dealer_pct", "dealer %"], ["tail_curve_bp", "tail vs curve (bp)"], ["tail_median_bp", "high - median (bp)"]];

async function auctionPage(params) {
  const past = await api("auctions", { tenor: params.tenor });
  const dates = past.data.map((c) => c.auction_date).reverse();
  const date = params.date || dates[0];
  const body = shell("Auction scorecard", auctionForm(TENORS, params.tenor, dates, date));
  const doc = await api(`auction/${params.tenor}`, { date });
  const card = doc.data[0];
  const rows = metricRows(card, METRICS, (key) => ({ pctile: card.percentile_10y[key] }));
  const last24 = lastAuctions(past.data, (c) => c.auction_date === card.auction_date && c.cusip === card.cusip);
  body.innerHTML = `<p class="headline">${esc(card.tenor)} ${card.reopening ? "reopening" : "new issue"} <b>${esc(card.cusip)}</b>
      auctioned ${esc(card.auction_date)}: $${fmt(card.offering_amount / 1e9, 1)}bn ${esc(card.security_term)}, matures ${esc(card.maturity_date)}</p>
    <p>high yield <b>${fmt(card.high_yield, 3)}%</b> · median ${fmt(card.median_yield, 3)}%</p>
    ${tableHtml(rows, [...METRIC_COLUMNS, { key: "pctile", label: "10y pctile", digits: 0 }])}
    ${downloads(`auction/${params.tenor}`, { date })}
    ${verdictHtml(card)}
    <p class="note">${doc.meta.notes.map(esc).join("; ")}</p>
    <h2>Last ${last24.length} auctions of the tenor</h2>
    <div class="chart" id="chart-btc"></div><div class="chart" id="chart-shares"></div>
    ${tableHtml(last24.slice().reverse(), [{ key: "auction_date", label: "auction" }, { key: "cusip" }, { key: "high_yield", label: "high %", digits: 3 },
      { key: "bid_to_cover", label: "btc" }, { key: "indirect_pct", label: "ind %" }, { key: "direct_pct", label: "dir %" },
      { key: "dealer_pct", label: "dlr %" }, { key: "tail_curve_bp", label: "tail bp", digits: 1 }, { key: "verdict" }])}
    ${downloads("auctions", { tenor: params.tenor, until: card.auction_date })}
    ${sourcesHtml(doc.sources)}`;
  const x = last24.map((c) => c.auction_date);
  chart(body.querySelector("#chart-btc"), { title: "Bid-to-cover (x)", x, yLabel: "times",
    series: [{ label: "bid-to-cover", values: last24.map((c) => c.bid_to_cover), points: true }] });
  chart(body.querySelector("#chart-shares"), { title: "Shares of competitive accepted, percent", x, yLabel: "percent",
    series: ["indirect_pct", "direct_pct", "dealer_pct"].map((k) => ({ label: k.replace("_pct", " %"), values: last24.map((c) => c[k]), points: true })) });
}

const JGB_TENORS = ["jgb-2y", "jgb-5y", "jgb-10y", "jgb-20y", "jgb-30y", "jgb-40y"];
const JGB_METRICS = [["bid_to_cover", "bid-to-cover (x)"], ["tail_yen", "price tail (yen)", 3],
  ["yield_vs_benchmark_bp", "yield - prev-day benchmark (bp)", 1]];

async function jgbAuctionPage(params) {
  const past = await api("auctions", { market: "jp", tenor: params.tenor });
  const dates = past.data.map((c) => c.auction_date).reverse();
  const date = params.date || dates[0];
  const body = shell("JGB auction scorecard", auctionForm(JGB_TENORS, params.tenor, dates, date),
    "MOF Japan auction results; each metric against the previous 6 auctions of the tenor, the last 12 months and every earlier auction held.");
  const doc = await api(`auction/${params.tenor}`, { date });
  const card = doc.data[0];
  const rows = metricRows(card, JGB_METRICS, (key) => ({ mean12: card.mean_12m[key].mean, pctile: card.percentile_history[key] }));
  const last24 = lastAuctions(past.data, (c) => c.auction_date === card.auction_date);
  const amounts = [["offered", card.offering_bn_jpy], ["competitive bids", card.competitive_bids_bn_jpy], ["accepted", card.accepted_bn_jpy]]
    .filter(([, bn]) => bn != null).map(([label, bn]) => `${label} ${fmt(bn, 1)}bn yen`);
  const notes = doc.meta.notes.concat(card.tail_yen_missing ? [`price tail missing: ${card.tail_yen_missing}`] : []);
  body.innerHTML = `<p class="headline">${esc(card.tenor)}${card.issue_number != null ? ` issue <b>${esc(card.issue_number)}</b>` : ""}
      auctioned ${esc(card.auction_date)}: ${amounts.join(" · ")}</p>
    <p>auction yield <b>${fmt(card.auction_yield, 3)}%</b> (${esc(card.auction_yield_basis)}) · previous-day benchmark
      ${card.benchmark_yield == null ? "not held" : `${fmt(card.benchmark_yield, 3)}% (${esc(card.benchmark_date)})`}</p>
    ${tableHtml(rows, [...METRIC_COLUMNS, { key: "mean12", label: "12-month mean", render: (r) => fmt(r.mean12, r.digits) },
      { key: "pctile", label: "pctile of history", digits: 0 }])}
    ${downloads(`auction/${params.tenor}`, { date })}
    ${verdictHtml(card)}
    <ul class="note notes">${notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>
    <h2>Last ${last24.length} auctions of the tenor</h2>
    <div class="chart" id="chart-btc"></div><div class="chart" id="chart-yvb"></div>
    ${tableHtml(last24.slice().reverse(), [{ key: "auction_date", label: "auction" }, { key: "offering_bn_jpy", label: "offered bn yen", digits: 1 },
      { key: "auction_yield", label: "yield %", digits: 3 }, { key: "bid_to_cover", label: "btc" }, { key: "tail_yen", label: "tail yen", digits: 3 },
      { key: "yield_vs_benchmark_bp", label: "vs bmk bp", digits: 1 }, { key: "score" }, { key: "verdict", render: verdictCell }])}
    ${downloads("auctions", { market: "jp", tenor: params.tenor, until: card.auction_date, last: 24 })}
    ${sourcesHtml(doc.sources)}`;
  const x = last24.map((c) => c.auction_date);
  chart(body.querySelector("#chart-btc"), { title: "Bid-to-cover (x)", x, yLabel: "times",
    series: [{ label: "bid-to-cover", values: last24.map((c) => c.bid_to_cover), points: true }] });
  chart(body.querySelector("#chart-yvb"), { title: "Auction yield minus previous-day benchmark (bp)", x, yLabel: "bp",
    series: [{ label: "yield - benchmark bp", values: last24.map((c) => c.yield_vs_benchmark_bp), points: true, digits: 1 }] });
}

async function curvesPage(params) {
  const body = shell("Yield curves", formHtml([
    { name: "date", label: "date", type: "date", value: params.date },
    { name: "compare", label: "compare with", type: "date", value: params.compare },
  ]), "US Treasury par curve and MOF JGB benchmark curve, percent, by maturity in years; a date without a curve uses the last one before it.");
  const dates = [params.date || undefined].concat(params.compare ? [params.compare] : []);
  const curves = [];
  for (const [i, day] of dates.entries()) {
    for (const country of ["us", "jp"]) {
      curves.push({ country, doc: await api(`curve/${country}`, { date: day }), dash: i ? [6, 4] : undefined });
    }
  }
  const years = [...new Set(curves.flatMap((c) => c.doc.data.map((r) => r.tenor_years)))].sort((a, b) => a - b);
  const series = curves.map((c, i) => {
    const at = Object.fromEntries(c.doc.data.map((r) => [r.tenor_years, r.yield_pct]));
    return { label: `${c.country === "us" ? "UST" : "JGB"} ${c.doc.meta.date}`, values: years.map((y) => at[y] ?? null),
      color: COLORS[c.country === "us" ? 0 : 1], dash: c.dash, points: true, digits: 3 };
  });
  body.innerHTML = `<div class="chart" id="chart-curves"></div>` + curves.map((c) => `<h2>${esc(c.doc.meta.name)}, ${esc(c.doc.meta.date)}</h2>
    ${tableHtml(c.doc.data, [{ key: "tenor" }, { key: "tenor_years", label: "years", digits: 2 }, { key: "yield_pct", label: "yield %", digits: 3 }])}
    ${downloads(`curve/${c.country}`, { date: c.doc.meta.requested_date })}${sourcesHtml(c.doc.sources)}`).join("");
  chart(body.querySelector("#chart-curves"), { title: "Yield curves, percent", x: years, time: false, xLabel: "maturity (years)",
    yLabel: "percent", series });
}

async function seriesPage(params) {
  const body = shell("Series", formHtml([{ name: "id", label: "series", value: params.id },
    { name: "since", label: "since", type: "date", value: params.since }, { name: "until", label: "until", type: "date", value: params.until }]));
  const doc = await api(`series/${encodeURIComponent(params.id)}`, { since: params.since, until: params.until });
  body.innerHTML = `<p class="note">${esc(doc.meta.title || doc.meta.series_id)} (${esc(doc.meta.units || "units as published")}),
    ${doc.data.length} observations ${esc(doc.meta.first)} to ${esc(doc.meta.last)}</p><div class="chart" id="chart-series"></div>
    ${tableHtml(doc.data.slice(-20).reverse(), [{ key: "date" }, { key: "value", digits: 4 }])}
    ${downloads(`series/${params.id}`, { since: params.since, until: params.until })}${sourcesHtml(doc.sources)}`;
  chart(body.querySelector("#chart-series"), { title: doc.meta.series_id, x: doc.data.map((r) => r.date),
    series: [{ label: doc.meta.series_id, values: doc.data.map((r) => r.value), digits: 4 }], yLabel: doc.meta.units || "" });
}

async function foreignPage(params) {
  const body = shell("Foreign demand for Treasuries", formHtml([
    { name: "holder", label: "TIC holder", options: [["total", "all foreign"], ["japan", "Japan"], ["china", "China"]], value: params.holder },
    { name: "tenor", label: "auctions of", options: ["10y", "20y", "30y", "2y", "5y", "7y"], value: params.tenor },
    { name: "since", label: "since", type: "date", value: params.since },
  ]));
  const doc = await api("foreign", { holder: params.holder, tenor: params.tenor, since: params.since });
  const months = doc.tables.months;
  body.innerHTML = `<ul class="caveats">${doc.meta.caveats.map((c) => `<li>${esc(c)}</li>`).join("")}</ul>
    <div class="chart" id="chart-tic"></div><div class="chart" id="chart-allot"></div>
    <h2>${esc(doc.meta.tenor)} auctions (latest 24)</h2>
    ${tableHtml(doc.data.slice(-24).reverse(), [{ key: "auction_date", label: "auction" }, { key: "cusip" },
      { key: "foreign_allotment_pct", label: "foreign alloc %" }, { key: "indirect_pct", label: "indirect %" },
      { key: "holdings_bn", label: "TIC $bn", digits: 1 }, { key: "chg_12m_bn", label: "12m chg", digits: 1 }])}
    ${downloads("foreign", { holder: params.holder, tenor: params.tenor, since: params.since })}
    <h2>TIC months (latest 24)</h2>
    ${tableHtml(months.slice(-24).reverse(), [{ key: "month" }, { key: "holdings_bn", label: "holdings $bn", digits: 1 },
      { key: "chg_3m_bn", label: "3m chg", digits: 1 }, { key: "chg_12m_bn", label: "12m chg", digits: 1 },
      { key: "series_break", label: "break" }, { key: "auctions", digits: 0 }, { key: "foreign_allotment_pct", label: "foreign alloc %" },
      { key: "indirect_pct", label: "indirect %" }])}
    ${downloads("foreign", { holder: params.holder, tenor: params.tenor, since: params.since }, "months")}
    ${sourcesHtml(doc.sources)}`;
  const held = months.filter((m) => m.holdings_bn !== null);
  chart(body.querySelector("#chart-tic"), { title: `TIC holdings of Treasuries, ${doc.meta.holder}, US$ billions`,
    x: held.map((m) => m.month), yLabel: "US$ bn", series: [{ label: "holdings $bn", values: held.map((m) => m.holdings_bn), digits: 1 }] });
  chart(body.querySelector("#chart-allot"), { title: `${doc.meta.tenor} auctions: foreign allotment and indirect shares, percent`,
    x: doc.data.map((r) => r.auction_date), yLabel: "percent", series: [
      { label: "foreign & international %", values: doc.data.map((r) => r.foreign_allotment_pct) },
      { label: "indirect %", values: doc.data.map((r) => r.indirect_pct) }] });
}

const CONTRIBUTIONS = [["contrib_primary_balance", "primary balance"], ["contrib_interest", "interest"],
  ["contrib_real_growth", "real growth"], ["contrib_inflation", "inflation"], ["contrib_exchange_rate", "exchange rate"],
  ["contrib_stock_flow", "stock-flow"]];

async function debtPage(params) {
  const scenarios = (await api("debt/scenarios")).data;
  const country = params.country.toUpperCase() === "JP" ? "JP" : "US";
  const own = scenarios.filter((s) => s.country === (country === "JP" ? "JPN" : "USA"));
  const scenario = own.some((s) => s.name === params.scenario) ? params.scenario : own[0].name;
  const body = shell("Debt dynamics", formHtml([
    { name: "country", label: "country", options: [["US", "United States"], ["JP", "Japan"]], value: country, resets: "scenario" },
    { name: "scenario", label: "scenario", options: own.map((s) => s.name), value: scenario },
    { name: "paths", label: "paths", type: "number", value: params.paths, size: 7 },
  ]));
  const request = { scenario, paths: params.paths };
  const doc = await api(`debt/project/${country}`, request);
  const stress = await api(`debt/stress/${country}`, { scenario });
  const p = doc.meta.probabilities || {};
  body.innerHTML = `<p class="note">${esc(doc.meta.description)}. Debt ${esc(doc.meta.start_year)}: ${fmt(doc.meta.start_debt_gdp)}% of GDP.
      ${doc.meta.paths ? `${fmt(doc.meta.paths, 0)} paths (${esc(doc.meta.method)}, seed ${esc(doc.meta.seed)}); P(debt in year 5 &gt; today) = ${fmt(p.prob_debt_year5_above_today, 3)},
      P(stabilises) = ${fmt(p.prob_debt_stabilises, 3)}; shocks from ${esc(doc.meta.shock_history)}.` : ""}</p>
    <div class="chart" id="chart-fan"></div>
    <h2>Projection and r-g decomposition (percent of GDP; contributions in pp)</h2>
    ${tableHtml(doc.data, [{ key: "year", render: (r) => String(r.year) }, { key: "debt_gdp", label: "debt" }, { key: "change_debt", label: "change" },
      ...CONTRIBUTIONS.map(([key, label]) => ({ key, label })), { key: "effective_rate", label: "i %" },
      { key: "r_minus_g", label: "r-g" }, { key: "debt_stabilising_pb", label: "pb*" }])}
    ${downloads(`debt/project/${country}`, request)}
    <h2>Stress tests: debt, percent of GDP</h2><div class="chart" id="chart-stress"></div>
    ${tableHtml(stress.data.filter((r) => r.year === stress.data[stress.data.length - 1].year),
      [{ key: "scenario" }, { key: "year", render: (r) => String(r.year) }, { key: "debt_gdp", label: "debt" },
        { key: "debt_gdp_vs_baseline", label: "vs baseline (pp)" }, { key: "interest_gdp", label: "interest" }])}
    ${downloads(`debt/stress/${country}`, { scenario })}
    <h2>Assumptions</h2>${tableHtml(doc.meta.assumptions, [{ key: "name" }, { key: "value", render: (r) => esc(JSON.stringify(r.value)) }, { key: "source" }])}
    ${sourcesHtml(doc.sources)}`;
  const years = doc.data.map((r) => r.year);
  const band = (k) => doc.data.map((r) => r[k] ?? null);
  const fan = [{ label: "deterministic", values: band("debt_gdp"), color: "#000", width: 2, points: true }];
  const bands = [];
  if (doc.data[0].debt_gdp_p50 !== undefined) {
    fan.push({ label: "p5", values: band("debt_gdp_p5"), color: "#9bb7d4" }, { label: "p95", values: band("debt_gdp_p95"), color: "#9bb7d4" },
      { label: "p25", values: band("debt_gdp_p25"), color: "#4f7fb5" }, { label: "p75", values: band("debt_gdp_p75"), color: "#4f7fb5" },
      { label: "median", values: band("debt_gdp_p50"), color: "#1f5fa8", dash: [6, 4] });
    bands.push({ series: [3, 2], fill: "rgba(31,95,168,0.12)" }, { series: [5, 4], fill: "rgba(31,95,168,0.25)" });
  }
  const yearAxis = { time: false, xLabel: "year", yLabel: "% of GDP", x: years.map((_, i) => i + 1), xNames: years.map(String) };
  chart(body.querySelector("#chart-fan"), { title: `${doc.meta.country} general government debt, % of GDP: ${doc.meta.scenario}`,
    series: fan, bands, ...yearAxis });
  const names = [...new Set(stress.data.map((r) => r.scenario))];
  chart(body.querySelector("#chart-stress"), { title: "Debt under stress, % of GDP", ...yearAxis,
    series: names.map((name) => ({ label: name, width: name === "baseline" ? 2.5 : 1.5,
      values: years.map((y) => stress.data.find((r) => r.scenario === name && r.year === y)?.debt_gdp ?? null) })) });
}

async function tradePage(params) {
  const body = shell("Trade and tariffs", formHtml([
    { name: "partner", label: "fx-gap: trade with", options: [["", "all partners (goods and services)"], ["JP", "Japan (goods)"]], value: params.partner },
    { name: "target", label: "target balance % GDP", type: "number", step: "0.1", value: params.target, size: 5 },
    { name: "export_elasticity", label: "export elasticity", type: "number", step: "0.05", value: params.export_elasticity, size: 5 },
    { name: "import_elasticity", label: "import elasticity", type: "number", step: "0.05", value: params.import_elasticity, size: 5 },
    { name: "rate", label: "tariff: flat rate %", type: "number", step: "0.5", value: params.rate, size: 5 },
    { name: "usdjpy", label: "yen per $", type: "number", step: "0.5", value: params.usdjpy, size: 6 },
    { name: "pass_through", label: "tariff pass-through", type: "number", step: "0.05", value: params.pass_through, size: 5 },
    { name: "by", label: "by", options: ["month", "quarter", "period"], value: params.by },
  ]));
  const gapParams = { partner: params.partner, target: params.target, export_elasticity: params.export_elasticity,
    import_elasticity: params.import_elasticity };
  const tariffParams = { rate: params.rate, usdjpy: params.usdjpy, pass_through: params.pass_through, by: params.by };
  body.innerHTML = `<section id="fx-gap"><h2>Exchange rate that closes the trade gap</h2><div class="out"></div></section>
    <section id="tariff"><h2>Tariff on Toyota's US sales</h2><div class="out"></div></section>`;
  const gapOut = body.querySelector("#fx-gap .out");
  try {
    const gap = await api("fx-gap/US", gapParams);
    const r = gap.data[0];
    gapOut.innerHTML = `<p class="headline">${esc(r.economy)} ${r.year}: balance ${fmt(r.balance_pct_gdp)}% of GDP; to reach ${fmt(r.target_pct_gdp)}%
        the foreign currency must rise <b>${fmt(r.required_depreciation_pct, 1)}%</b> against the dollar (dollar ${fmt(r.home_currency_value_change_pct, 1)}%);
        Marshall-Lerner ${r.marshall_lerner_holds ? "holds" : "fails"}.</p>
      ${tableHtml(gap.data, [{ key: "exports_bn", label: "exports $bn", digits: 1 }, { key: "imports_bn", label: "imports $bn", digits: 1 },
        { key: "gdp_bn", label: "GDP $bn", digits: 0 }, { key: "export_elasticity", label: "ex" }, { key: "import_elasticity", label: "em" },
        { key: "pass_through", label: "pass-through" }, { key: "required_depreciation_pct", label: "e* %", digits: 1 }])}
      ${downloads("fx-gap/US", gapParams)}
      <div class="chart" id="chart-jcurve"></div>
      ${downloads("fx-gap/US", gapParams, "j_curve")}
      <h3>Sensitivity</h3>${tableHtml(gap.tables.sensitivity.filter((s) => s.group !== "grid"), [{ key: "set" },
        { key: "export_elasticity", label: "ex" }, { key: "import_elasticity", label: "em" }, { key: "pass_through", label: "pass-through" },
        { key: "required_depreciation_pct", label: "e* %", digits: 1 }, { key: "home_currency_value_change_pct", label: "dollar %", digits: 1 }])}
      ${downloads("fx-gap/US", gapParams, "sensitivity")}${sourcesHtml(gap.sources)}`;
    chart(body.querySelector("#chart-jcurve"), { title: "J-curve: balance change after the depreciation, % of GDP", time: false,
      x: gap.tables.j_curve.map((q) => q.quarter), xNames: gap.tables.j_curve.map((q) => `Q${q.quarter}`),
      xLabel: "quarter after the depreciation", yLabel: "% of GDP",
      series: [{ label: "balance change % GDP", values: gap.tables.j_curve.map((q) => q.balance_change_pct_gdp), points: true }] });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    gapOut.innerHTML = errorHtml(error);
  }
  const tariffOut = body.querySelector("#tariff .out");
  const doc = await api("tariff/toyota", tariffParams);
  const m = doc.meta;
  const totals = doc.data.filter((r) => r.origin === "all");
  tariffOut.innerHTML = `<p class="headline">${esc(m.inputs.exporter)}, ${esc(m.inputs.from)} to ${esc(m.inputs.to)}: operating profit
      <b>${fmt(m.operating_profit_change_jpy / 1e9, 1)} bn yen</b> = absorbed duty ${fmt(m.decomposition.absorbed_tariff_jpy / 1e9, 1)}
      + lost volume ${fmt(m.decomposition.lost_volume_jpy / 1e9, 1)} + FX ${fmt(m.decomposition.fx_effect_jpy / 1e9, 1)}</p>
    ${doc.tables.reported.map((r) => `<p>reported: ${fmt(r.operating_profit_change_jpy / 1e9, 0)} bn yen; model/reported = <b>${fmt(r.model_over_reported, 2)}</b>
      <small>(${esc(r.source)})</small></p>`).join("")}
    <div class="chart" id="chart-tariff"></div>
    ${tableHtml(doc.data, [{ key: "bucket", label: "period" }, { key: "origin" }, { key: "tariff_pct", label: "tariff %", digits: 1 },
      { key: "units_before", label: "units", digits: 0 }, { key: "units_change", label: "units chg", digits: 0 },
      { key: "extra_tariff_usd", label: "extra duty $m", render: (r) => fmt(r.extra_tariff_usd / 1e6, 0) },
      { key: "profit_change_jpy", label: "profit bn yen", render: (r) => fmt(r.profit_change_jpy / 1e9, 1) }])}
    ${downloads("tariff/toyota", tariffParams)}
    <h3>Sensitivity to the figures Toyota does not publish</h3>
    ${tableHtml(doc.tables.sensitivity, [{ key: "case" },
      { key: "value", render: (r) => fmt(r.value, ["pass_through", "demand_elasticity"].includes(r.field) ? 3 : 0) },
      { key: "operating_profit_change_jpy", label: "profit bn yen", render: (r) => r.note ? esc(r.note) : fmt(r.operating_profit_change_jpy / 1e9, 1) },
      { key: "change_pct", label: "vs base %", digits: 1 }])}
    ${downloads("tariff/toyota", tariffParams, "sensitivity")}${sourcesHtml(doc.sources)}`;
  chart(body.querySelector("#chart-tariff"), { title: "Operating profit change by period, billion yen", time: false,
    x: totals.map((_, i) => i + 1), xNames: totals.map((r) => r.bucket), xLabel: "period", yLabel: "bn yen",
    series: [{ label: "tariff + FX, bn yen", values: totals.map((r) => (r.operating_profit_change_jpy ?? r.profit_change_jpy) / 1e9), points: true, digits: 1 }] });
}

async function statusPage() {
  const body = shell("Status", "");
  const doc = await api("status");
  body.innerHTML = `<p class="note">warehouse: <code>${esc(doc.meta.warehouse)}</code>; ${doc.data.length} imports.</p>
    ${tableHtml(doc.data, [{ key: "id", digits: 0 }, { key: "dataset" }, { key: "source", label: "publisher" },
      { key: "location", label: "file or URL", render: (r) => `<code>${esc(r.location)}</code>` }, { key: "vintage" },
      { key: "rows", digits: 0 }, { key: "retrieved_at", label: "retrieved (UTC)", render: (r) => esc(String(r.retrieved_at).slice(0, 19)) },
      { key: "checksum", label: "sha256", render: (r) => `<code title="${esc(r.checksum)}">${esc(r.checksum.slice(0, 12))}…</code>` }])}
    ${downloads("status")}`;
}

async function checkPage() {
  shell("Claims checker", "", "The claims checker (<code>bondwatch check</code>) will have its page here once it lands.");
}

const PAGES = {
  home: [home, "Markets", {}],
  auction: [auctionPage, "Auctions", { tenor: "30y" }],
  "jgb-auction": [jgbAuctionPage, "JGB auctions", { tenor: "jgb-10y" }],
  curves: [curvesPage, "Curves", {}],
  series: [seriesPage, "Series", { id: "DGS10" }],
  foreign: [foreignPage, "Foreign demand", { holder: "total", tenor: "30y" }],
  debt: [debtPage, "Debt", { country: "US", paths: "1000" }],
  trade: [tradePage, "Trade", { by: "month" }],
  status: [statusPage, "Status", {}],
  check: [checkPage, "Claims", {}],
};

if (PAGES[PAGE]) {
  const [render, title, defaults] = PAGES[PAGE];
  page(title, render, defaults);
}
