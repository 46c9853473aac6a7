package dev.tracegate.ledger.report;

/** The report's stylesheet, inline so report.html needs nothing else; it prints one section after another. */
final class ReportStyle {
    static final String CSS = """
            :root { color-scheme: light; --ink: #1b1f24; --muted: #505a66; --line: #d0d7de; --accent: #0b5394; --bad: #a40e26; --ok: #116329; }
            body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto;
              max-width: 1100px; padding: 1.5rem; }
            h1 { font-size: 1.6rem; margin: 0 0 1rem; } h2 { border-bottom: 2px solid var(--line); margin-top: 2.5rem; }
            h3 { margin-top: 1.8rem; } h4 { margin: 1rem 0 .3rem; } h5 { margin: .6rem 0 .2rem; font-size: .9rem; color: var(--muted); }
            a { color: var(--accent); } a.n { font-weight: 600; font-variant-numeric: tabular-nums; }
            code, pre { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
            pre { background: #f6f8fa; padding: .5rem .7rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
            dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
            dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; word-break: break-all; }
            aside.check { border: 1px solid var(--line); border-left: 4px solid var(--accent); padding: .2rem 1rem; margin: 1rem 0; }
            ul.figures { list-style: none; padding-left: 0; } ul.figures li { padding: .1rem 0; }
            .table { overflow-x: auto; } table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: 14px; }
            th, td { border-bottom: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
            th { background: #f6f8fa; } td.leaves { font-size: 12px; word-break: break-all; } td.null { color: var(--muted); }
            .empty { color: var(--muted); font-style: italic; } .note { color: var(--muted); font-size: 13px; }
            .ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 600; }
            article.control, article.sample { border-top: 1px solid var(--line); padding-top: .3rem; }
            p.requirement { font-weight: 600; margin: .2rem 0; } p.why { color: var(--muted); margin: .2rem 0; }
            ol.replay { padding-left: 1.5rem; } ol.replay li.event { margin: .4rem 0; }
            .offset { font-variant-numeric: tabular-nums; color: var(--muted); } .type { font-weight: 600; } .leaf { color: var(--muted); font-size: 12px; }
            ol.proof { font-size: 12px; } pre.statement { margin: .2rem 0; } p.summary { margin: .2rem 0; }
            figure { margin: 1rem 0; } figcaption { font-weight: 600; }
            svg.chart { width: 100%; height: auto; max-width: 720px; display: block; }
            svg.chart text { font-size: 11px; fill: var(--muted); } svg.chart .axis { stroke: var(--muted); stroke-width: 1; }
            svg.chart .s0 { fill: #0b5394; } svg.chart .s1 { fill: #d97706; }
            @media print { body { max-width: none; padding: 0; font-size: 11pt; } nav, aside.check { break-after: avoid; }
              section { break-before: page; }
              a { color: inherit; text-decoration: none; } }
            """;

    private ReportStyle() {}
}
