import { escapeHtml } from "./escape.js";

/**
 * The page shell: everything inline (no font, script, image or style from the network, so the
 * file works offline and in a locked-down mail client), complete with JavaScript off. Figures
 * scale to the page; a wide map or table scrolls inside its own box, never the page (390 px).
 */
export function page(title: string, body: string[]): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.join("\n")}
</main>
</body>
</html>
`;
}

const CSS = `
:root{--ink:#1d2630;--muted:#5b6672;--line:#c9d1d9;--base:#4a5d73;--good:#1a7f4b;--bad:#b42318;--warn:#b54708;--bg:#fff;--panel:#f5f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.2em 0}
h2{font-size:1.2rem;margin:1.6em 0 .4em;border-bottom:2px solid var(--line);padding-bottom:.2em}
h3{font-size:1rem;margin:1em 0 .3em}
p,li{max-width:75ch}
.meta{color:var(--muted);font-size:.85rem}
.answer{background:var(--panel);border-left:6px solid var(--base);padding:.6em 1em;margin:1em 0}
.answer li{margin:.25em 0}
.answer .money{font-weight:600}
.answer .lead{font-size:1.2rem;margin:.3em 0 .6em;max-width:none}
.answer .figure{background:#fff}
summary{cursor:pointer;color:var(--muted);font-size:.9rem}

.figure{overflow-x:auto;margin:.5em 0 1em;border:1px solid var(--line);border-radius:6px;padding:8px;background:#fff}
.figure svg{display:block;width:100%;height:auto}
.figure svg.wide{min-width:720px}
.figure svg.vsm{min-width:560px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,520px),1fr));gap:12px}
.grid>div{min-width:0}
.caption{font-size:.85rem;color:var(--muted);margin:.2em 0 .6em}
table{border-collapse:collapse;font-size:.85rem;width:100%}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal}
thead th{background:var(--panel)}
td.sig{font-weight:700}
.better{color:var(--good)} .worse{color:var(--bad)}
.legend{display:flex;flex-wrap:wrap;gap:.2em 1.2em;font-size:.85rem;margin:.3em 0;padding:0;list-style:none}
.legend span{display:inline-block;width:18px;height:4px;vertical-align:middle;margin-right:.4em}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:var(--ink)}
svg .muted{fill:var(--muted)}
.warn{color:var(--warn)}
@media (max-width:600px){main{padding:10px}.answer{padding:.4em .6em;border-left-width:4px}.answer .lead{font-size:1.05rem}th,td{padding:3px 5px}}
@media print{
  @page{size:A4 landscape;margin:12mm}
  body{font-size:11px}
  main{max-width:none;padding:0}
  .figure{overflow:visible;break-inside:avoid;border:none}
  .figure svg.wide,.figure svg.vsm{min-width:0}
  h2{break-after:avoid}
  section{break-inside:auto}
  .grid{grid-template-columns:1fr 1fr}
}
`;
