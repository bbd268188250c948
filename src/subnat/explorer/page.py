"""The explorer's HTML: one self-contained file per case (plotly.js inlined, data embedded once as JSON).

The charts are plotly figures declared here in Python (traces, axes, colours); the page's few lines
of JavaScript only fill one actor's series into those templates and call Plotly.newPlot, and sort
and filter the plain HTML table. Nothing is fetched: the file works offline from file://.
"""

from __future__ import annotations

import html
import json
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

BAND = "rgba(31, 119, 180, 0.2)"
PLOT_CONFIG = {"displaylogo": False, "responsive": True}


def actor_figure() -> go.Figure:
    """One actor's chart, without data: history, reference, target pathway and expected-delivery band."""
    fig = go.Figure()
    fig.add_scatter(name="Inventory (history)", mode="lines+markers", line={"color": "black"})
    fig.add_scatter(name="Reference (current policy)", mode="lines", line={"color": "#d62728", "dash": "dash"})
    fig.add_scatter(name="Target pathway", mode="lines", line={"color": "#2ca02c"})
    fig.add_scatter(name="Expected delivery, 95 %", mode="lines", line={"width": 0, "color": BAND},
                    showlegend=False, hoverinfo="skip")
    fig.add_scatter(name="Expected delivery 5-95 %", mode="lines", line={"width": 0, "color": BAND},
                    fill="tonexty", fillcolor=BAND)
    fig.add_scatter(name="Expected delivery (median)", mode="lines", line={"color": "#1f77b4", "dash": "dot"})
    fig.update_layout(title="Select an actor in the table", xaxis_title="Year",
                      yaxis_title="Emissions (Mt CO2e/yr)", template="plotly_white", height=420,
                      margin={"l": 60, "r": 20, "t": 50, "b": 50}, legend={"orientation": "h", "y": -0.2})
    return fig


def peer_figure() -> go.Figure:
    """Peers of the chosen actor (same type and country): per-capita emissions against required rate."""
    fig = go.Figure()
    fig.add_scatter(name="Peers", mode="markers", marker={"color": "#7f7f7f", "size": 8, "opacity": 0.6})
    fig.add_scatter(name="Selected actor", mode="markers", marker={"color": "#d62728", "size": 14,
                                                                    "symbol": "diamond"})
    fig.update_layout(title="Peers", xaxis_title="Emissions per person (t CO2e)",
                      yaxis_title="Required annual reduction (%/yr)", template="plotly_white", height=420,
                      margin={"l": 60, "r": 20, "t": 50, "b": 50}, legend={"orientation": "h", "y": -0.2})
    return fig


def _figure_json(fig: go.Figure) -> dict[str, Any]:
    spec = fig.to_plotly_json()
    return {"data": spec["data"], "layout": spec["layout"]}


def _script_json(data: Any) -> str:
    """JSON safe inside a <script> element (no `</` to end it early)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")


def _table(columns: list[list[str]]) -> str:
    head = "".join(f'<th data-col="{html.escape(col)}" title="click to sort">{html.escape(label)}</th>'
                   for label, col in columns)
    return f'<table id="actors"><thead><tr>{head}</tr></thead><tbody></tbody></table>'


def _options(values: list[str]) -> str:
    return "".join(f'<option value="{html.escape(v)}">{html.escape(v)}</option>' for v in values)


def case_page(data: dict[str, Any], description: str = "") -> str:
    """The whole explorer page of one case."""
    actors = data["actors"]
    types = sorted({a["actor_type"] for a in actors if a.get("actor_type")})
    statuses = sorted({str(a["on_track"]) for a in actors if a.get("on_track") is not None})
    # plotly's own HTML writer inlines plotly.js once (include_plotlyjs=True); the second chart reuses it
    chart = pio.to_html(actor_figure(), include_plotlyjs=True, full_html=False, div_id="actor-chart",
                        config=PLOT_CONFIG)
    peers = pio.to_html(peer_figure(), include_plotlyjs=False, full_html=False, div_id="peer-chart",
                        config=PLOT_CONFIG)
    templates = {"actor": _figure_json(actor_figure()), "peer": _figure_json(peer_figure()), "config": PLOT_CONFIG}
    name = html.escape(data["case"])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>subnat explorer: {name}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>subnat explorer: {name}</h1>
<p>{html.escape(description)} <a href="../explorer.html">All cases</a></p>
<div id="controls">
<input id="filter" type="search" placeholder="Filter by name, parent or target" aria-label="filter">
<select id="type-filter" aria-label="actor type"><option value="">all types</option>{_options(types)}</select>
<select id="track-filter" aria-label="on track"><option value="">on track: any</option>{_options(statuses)}</select>
<span id="row-count"></span>
</div>
<div id="charts"><div class="chart">{chart}</div><div class="chart">{peers}</div></div>
<div id="detail"></div>
<div id="table-box">{_table(data["columns"])}</div>
<script id="explorer-data" type="application/json">{_script_json(data)}</script>
<script id="explorer-templates" type="application/json">{_script_json(templates)}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""


def index_page(cases: list[dict[str, Any]]) -> str:
    """results/explorer.html: one line per case, linking to its explorer."""
    rows = "".join(
        f'<tr><td><a href="{html.escape(c["name"])}/explorer.html">{html.escape(c["name"])}</a></td>'
        f'<td>{html.escape(c.get("description", ""))}</td><td>{c["n_actors"]}</td><td>{c["n_commitments"]}</td></tr>'
        for c in cases)
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>subnat explorer: cases</title><style>{STYLE}</style></head>
<body>
<h1>subnat explorer</h1>
<p>One page per case: actors, their targets and progress, and their pathways. Works offline.</p>
<table id="cases"><thead><tr><th>Case</th><th>Description</th><th>Actors</th><th>Commitments</th></tr></thead>
<tbody>{rows}</tbody></table>
</body>
</html>
"""


STYLE = """
body { font-family: sans-serif; margin: 1em 2em; }
#controls { margin: 0.5em 0; display: flex; gap: 0.8em; align-items: center; }
#filter { width: 24em; }
#charts { display: flex; flex-wrap: wrap; gap: 1em; }
.chart { flex: 1 1 560px; min-width: 0; }
#detail { margin: 0.5em 0; font-size: 0.9em; }
#table-box { max-height: 32em; overflow: auto; border: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { padding: 0.25em 0.5em; border-bottom: 1px solid #eee; text-align: left; }
th { position: sticky; top: 0; background: #f4f4f4; cursor: pointer; }
th.asc::after { content: " \\25B2"; } th.desc::after { content: " \\25BC"; }
#actors tbody tr { cursor: pointer; } #actors tbody tr:hover { background: #eef5ff; }
#actors tbody tr.selected { background: #d6e8ff; }
"""

# Table sort/filter and filling one actor's series into the chart templates (no drawing code).
SCRIPT = r"""
(function () {
  var data = JSON.parse(document.getElementById("explorer-data").textContent);
  var tpl = JSON.parse(document.getElementById("explorer-templates").textContent);
  var cols = data.columns.map(function (c) { return c[1]; });
  var byId = {}, body = document.querySelector("#actors tbody"), sortCol = null, sortDir = 1, selected = null;
  data.actors.forEach(function (a) { byId[a.actor_id] = a; });
  function text(v) { return v === null || v === undefined ? "" : String(v); }
  // table cells show numbers to 3 significant digits (years and ranks, integers, as they are)
  function cell(v) {
    if (typeof v === "number" && !Number.isInteger(v)) { return String(Number(v.toPrecision(3))); }
    return text(v);
  }
  function copy(o) { return JSON.parse(JSON.stringify(o)); }
  data.actors.forEach(function (a) {
    var tr = document.createElement("tr");
    tr.dataset.id = a.actor_id;
    cols.forEach(function (c) {
      var td = document.createElement("td");
      td.textContent = cell(a[c]);
      tr.appendChild(td);
    });
    tr.addEventListener("click", function () { select(a.actor_id); });
    body.appendChild(tr);
  });
  function visible() {
    var q = document.getElementById("filter").value.toLowerCase();
    var type = document.getElementById("type-filter").value, track = document.getElementById("track-filter").value;
    var n = 0;
    Array.prototype.forEach.call(body.rows, function (tr) {
      var a = byId[tr.dataset.id];
      var hay = [a.name, a.actor_id, a.parent_name, a.targets, a.status].map(text).join(" ").toLowerCase();
      var show = (!q || hay.indexOf(q) >= 0) && (!type || a.actor_type === type)
        && (!track || text(a.on_track) === track);
      tr.style.display = show ? "" : "none";
      if (show) { n += 1; }
    });
    document.getElementById("row-count").textContent = n + " of " + data.actors.length + " actors";
  }
  function sortBy(c) {
    sortDir = sortCol === c ? -sortDir : 1;
    sortCol = c;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var x = byId[r1.dataset.id][c], y = byId[r2.dataset.id][c];
      if (x === null || x === undefined) { return 1; }
      if (y === null || y === undefined) { return -1; }
      if (typeof x === "number" && typeof y === "number") { return sortDir * (x - y); }
      return sortDir * String(x).localeCompare(String(y));
    });
    rows.forEach(function (r) { body.appendChild(r); });
    document.querySelectorAll("#actors th").forEach(function (th) {
      th.className = th.dataset.col === c ? (sortDir > 0 ? "asc" : "desc") : "";
    });
  }
  function mainScope(a) {
    var scopes = Object.keys(a.paths).length ? Object.keys(a.paths) : Object.keys(a.history);
    return scopes.indexOf("territorial") >= 0 ? "territorial" : (scopes.sort()[0] || null);
  }
  function actorChart(a) {
    var fig = copy(tpl.actor), scope = mainScope(a), h = (a.history[scope] || []), p = a.paths[scope];
    fig.data[0].x = h.map(function (r) { return r[0]; });
    fig.data[0].y = h.map(function (r) { return r[1]; });
    if (p) {
      [["reference", 1], ["pathway", 2], ["p95", 3], ["p05", 4], ["p50", 5]].forEach(function (s) {
        fig.data[s[1]].x = p.years; fig.data[s[1]].y = p[s[0]];
      });
    }
    fig.layout.title = {text: a.name + " (" + a.actor_type + (scope ? ", " + scope : "") + ")"};
    Plotly.newPlot("actor-chart", fig.data, fig.layout, tpl.config);
  }
  function peerChart(a) {
    var fig = copy(tpl.peer);
    var peers = data.actors.filter(function (b) {
      return b.actor_type === a.actor_type && b.country === a.country && b.actor_id !== a.actor_id;
    });
    fig.data[0].x = peers.map(function (b) { return b.per_capita_t; });
    fig.data[0].y = peers.map(function (b) { return b.required_rate_pct; });
    fig.data[0].text = peers.map(function (b) { return b.name; });
    fig.data[1].x = [a.per_capita_t]; fig.data[1].y = [a.required_rate_pct]; fig.data[1].text = [a.name];
    fig.layout.title = {text: "Peers of " + a.name + " (type " + a.actor_type + ", in " + a.country + ")"};
    var known = peers.concat([a]).filter(function (b) {
      return b.per_capita_t !== null && b.required_rate_pct !== null;
    });
    if (!known.length) { fig.layout.title.text += ": no per-capita emissions or required rate known"; }
    Plotly.newPlot("peer-chart", fig.data, fig.layout, tpl.config);
  }
  function select(id) {
    var a = byId[id];
    if (!a) { return; }
    selected = id;
    Array.prototype.forEach.call(body.rows, function (tr) { tr.classList.toggle("selected", tr.dataset.id === id); });
    actorChart(a);
    peerChart(a);
    var parts = ["MOU 2015: " + text(a.mou2015) + (a.mou2015_reason ? " (" + a.mou2015_reason + ")" : ""),
                 "MOU 2021: " + text(a.mou2021) + (a.mou2021_reason ? " (" + a.mou2021_reason + ")" : ""),
                 "2050 consistency: " + text(a.consistency_flag),
                 "progress rows: " + a.progress.length];
    document.getElementById("detail").textContent = a.name + " - " + parts.join("; ");
    document.body.dataset.selected = id;
  }
  document.querySelectorAll("#actors th").forEach(function (th) {
    th.addEventListener("click", function () { sortBy(th.dataset.col); });
  });
  ["filter", "type-filter", "track-filter"].forEach(function (id) {
    document.getElementById(id).addEventListener("input", visible);
  });
  visible();
  var first = data.actors.find(function (a) { return Object.keys(a.paths).length; }) || data.actors[0];
  if (first) { select(first.actor_id); }
})();
"""
