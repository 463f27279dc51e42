/** Status colours: the chart, its legend and the tables share them so a colour means one thing. */
export const STATUS_COLOURS = { fail: '#b3261e', pass: '#2e7d32', notApplicable: '#8a8f98' } as const;

/**
 * The report's only style sheet, inline so the file stays self-contained. System font stacks
 * only: a web font would be an external resource.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --fail: ${STATUS_COLOURS.fail}; --pass: ${STATUS_COLOURS.pass}; --na: ${STATUS_COLOURS.notApplicable}; --rule: #d0d4da; --muted: #555b63; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1b1d21; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; overflow-wrap: anywhere; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; margin: .5rem 0 0; }
a { color: #0b57d0; }
.muted { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td[data-status="FAIL"]:not([data-count="0"]) { color: var(--fail); font-weight: 700; }
tr[data-totals] td, tr[data-totals] th { border-top: 2px solid #1b1d21; font-weight: 700; }
.status { display: inline-block; padding: 0 .4rem; border-radius: .25rem; color: #fff; font-size: .8rem; font-weight: 700; }
.status-FAIL { background: var(--fail); }
.status-PASS { background: var(--pass); }
.status-NOT_APPLICABLE { background: var(--na); }
.headline { font-size: 1.05rem; }
.headline strong { color: var(--fail); }
section.control { border-left: 4px solid var(--fail); padding-left: 1rem; margin-bottom: 2rem; }
article.result, article.change { border: 1px solid var(--rule); border-radius: .4rem; padding: .75rem 1rem; margin: .75rem 0; }
time { white-space: nowrap; }
table.evidence td, table.results td { overflow-wrap: anywhere; }
table.evidence td code { overflow-wrap: normal; word-break: normal; }
table.evidence td:nth-child(4) code { overflow-wrap: anywhere; }
ul.values { margin: 0; padding-left: 1.1rem; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
figure { margin: 0; }
figcaption { color: var(--muted); margin-top: .25rem; }
svg.chart { width: 100%; height: auto; max-height: 24rem; display: block; }
svg.chart text { font: 11px system-ui, sans-serif; fill: #1b1d21; }
svg.chart .axis { stroke: #1b1d21; stroke-width: 1; }
svg.chart .grid { stroke: var(--rule); stroke-width: 1; }
svg.spark { width: 8rem; height: 1.5rem; display: block; }
details { margin: .5rem 0 1rem; }
summary { cursor: pointer; font-weight: 600; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  article.result, article.change, figure, tr { break-inside: avoid; }
  .status { border: 1px solid #000; color: #000; background: none; }
}
`;
