import type { ReportRange } from './report-range.js';
import { DIMENSION_KEYS, DIMENSION_LABELS, TIME_DIMENSIONS, reportTables, type ReportData, type ReportTable } from './report-tables.js';

const esc = (s: string | number | null) =>
  String(s ?? '—').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#475569', '#0d9488', '#a16207', '#9333ea'];

/** Stacked columns: one per period, one colour per value of the dimension. */
function stackedChart(table: ReportTable, labels: Record<string, { en: string }>, title: string): string {
  const keys = table.columns.slice(1);
  const totals = table.rows.map((r) => r.slice(1).reduce<number>((a, v) => a + Number(v ?? 0), 0));
  const max = Math.max(1, ...totals);
  const w = 640;
  const h = 180;
  const bw = Math.max(2, Math.floor((w - 40) / Math.max(1, table.rows.length)) - 2);
  const bars = table.rows
    .map((r, i) => {
      let y = h;
      return r
        .slice(1)
        .map((v, k) => {
          const n = Number(v ?? 0);
          if (!n) return '';
          const bh = (n / max) * (h - 10);
          y -= bh;
          return `<rect x="${40 + i * (bw + 2)}" y="${y.toFixed(1)}" width="${bw}" height="${bh.toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"><title>${esc(String(r[0]))} · ${esc(labels[keys[k]!]?.en ?? keys[k]!)}: ${n}</title></rect>`;
        })
        .join('');
    })
    .join('');
  const legend = keys
    .map((k, i) => `<span class="key"><i style="background:${PALETTE[i % PALETTE.length]}"></i>${esc(labels[k]?.en ?? k)}</span>`)
    .join(' ');
  const first = table.rows[0]?.[0] ?? '';
  const last = table.rows.at(-1)?.[0] ?? '';
  return `<figure><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h + 20}" width="100%"><text x="0" y="12" font-size="10">${max}</text><line x1="38" y1="${h}" x2="${w}" y2="${h}" stroke="#999"/>${bars}<text x="40" y="${h + 14}" font-size="10">${esc(String(first))}</text><text x="${w}" y="${h + 14}" font-size="10" text-anchor="end">${esc(String(last))}</text></svg><figcaption>${esc(title)}</figcaption><div class="legend">${legend}</div></figure>`;
}

/** Horizontal bars for a list of (label, value); `max` fixes the scale (100 for percentages). */
function barChart(items: { label: string; value: number | null }[], title: string, max?: number, unit = ''): string {
  const top = max ?? Math.max(1, ...items.map((i) => i.value ?? 0));
  const rowH = 22;
  const w = 640;
  const bars = items
    .map((it, i) => {
      const v = it.value ?? 0;
      const bw = (v / top) * (w - 230);
      return `<text x="0" y="${i * rowH + 15}" font-size="12">${esc(it.label)}</text><rect x="170" y="${i * rowH + 4}" width="${bw.toFixed(1)}" height="14" fill="${PALETTE[0]}"/><text x="${(175 + bw).toFixed(1)}" y="${i * rowH + 15}" font-size="12">${esc(it.value === null ? '—' : `${it.value}${unit}`)}</text>`;
    })
    .join('');
  return `<figure><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${items.length * rowH + 6}" width="100%">${bars}</svg><figcaption>${esc(title)}</figcaption></figure>`;
}

function tableHtml(t: ReportTable, csvHref: string): string {
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = t.rows.length
    ? t.rows.map((r) => `<tr>${r.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`).join('')
    : `<tr><td colspan="${t.columns.length}">No data in this range.</td></tr>`;
  return `<section class="table" id="t-${esc(t.id)}"><h3>${esc(t.title)} <a class="csv" href="${esc(csvHref)}" download>CSV</a></h3><table data-table="${esc(t.id)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></section>`;
}

const CSS = `body{font:14px system-ui,sans-serif;margin:0;color:#111}header{background:#1e293b;color:#fff;padding:10px 20px}header a{color:#cbd5e1}main{padding:16px 20px;max-width:1100px}
form.range{display:flex;gap:8px;align-items:end;margin-bottom:16px}form.range label{display:flex;flex-direction:column;font-size:12px}
.kpis{display:flex;gap:12px;flex-wrap:wrap}.kpi{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:130px}.kpi b{display:block;font-size:20px}
table{border-collapse:collapse;margin:6px 0 18px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:13px}th{background:#f1f5f9}
figure{margin:8px 0 16px}figcaption{font-size:12px;color:#555}.legend{font-size:11px}.key{margin-right:8px}.key i{display:inline-block;width:10px;height:10px;margin-right:3px}
a.csv{font-size:11px;margin-left:8px}.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}@media(max-width:800px){.grid{grid-template-columns:1fr}}`;

const day = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** The whole `/staff/reports` page, server-rendered; charts are inline SVG. */
export function reportsPage(opts: { data: ReportData; range: ReportRange; timeZone: string; lang: 'zh' | 'en'; basePath: string }): string {
  const { data, range, timeZone, lang, basePath } = opts;
  const s = data.summary;
  const from = day(range.from, timeZone);
  const to = day(range.to, timeZone);
  // Links (CSV, the other language) carry the instants this page counted and its month, so they
  // show the same figures: the days in the form would widen a date-time or default range to
  // whole days, and the monthly summary would fall back to the range's last month.
  const qs = (extra: Record<string, string>) =>
    new URLSearchParams({ from: range.from.toISOString(), to: range.to.toISOString(), month: data.month.label, ...extra }).toString();
  const tables = reportTables(data, lang);
  const byId = new Map(tables.map((t) => [t.id, t]));
  const csv = (id: string) => `${basePath}/export.csv?${qs({ table: id, lang })}`;
  const tbl = (id: string) => tableHtml(byId.get(id)!, csv(id));
  const kpi = (label: string, value: string | number | null, id: string) => `<div class="kpi" data-kpi="${id}">${esc(label)}<b>${esc(value)}</b></div>`;
  const otherLang = lang === 'zh' ? 'en' : 'zh';

  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Reports — Complaint Desk</title><style>${CSS}</style></head><body>
<header><a href="/staff">← Queue</a> · <strong>Reports</strong></header>
<main>
<h1>Complaint reports</h1>
<form class="range" method="get" action="${basePath}"><label>From<input type="date" name="from" value="${from}" required></label><label>To<input type="date" name="to" value="${to}" required></label><input type="hidden" name="lang" value="${lang}"><button type="submit">Show</button></form>
<div class="kpis">${kpi('Complaints', s.total, 'total')}${kpi('Reviews requested', s.reviews, 'reviews')}${kpi('First response met %', s.sla.firstResponseMetPct, 'firstResponseMetPct')}${kpi('Regulatory deadline met %', s.sla.regulatoryMetPct, 'regulatoryMetPct')}${kpi('Decided late', s.sla.regulatoryDecidedLate, 'regulatoryDecidedLate')}${kpi('Open past deadline', s.sla.regulatoryOpenPastDue, 'regulatoryOpenPastDue')}${kpi('Median h to first response', s.sla.medianHoursToFirstResponse, 'medianFirst')}${kpi('Median h to decision', s.sla.medianHoursToDecision, 'medianDecision')}${kpi(`CSAT average (of ${s.csat.scored} scored)`, s.csat.average, 'csatAverage')}${kpi(`Survey response rate % (of ${s.csat.sent} sent)`, s.csat.responseRate, 'responseRate')}${kpi(`Solved rate % (of ${s.csat.solvedAnswered} answers)`, s.csat.solvedRate, 'solvedRate')}</div>

<h2>Complaints over time</h2>
${TIME_DIMENSIONS.map((d) => stackedChart(byId.get(`over_time_${d}`)!, DIMENSION_LABELS[d], `Complaints by ${d}`) + tbl(`over_time_${d}`)).join('\n')}

<h2>Breakdown</h2>
<div class="grid">${TIME_DIMENSIONS.map((d) => `<div>${barChart(DIMENSION_KEYS[d].map((k) => ({ label: DIMENSION_LABELS[d][k]![lang], value: s.counts[d][k] ?? 0 })), `By ${d}`)}${tbl(`by_${d}`)}</div>`).join('')}<div>${tbl('by_intake_channel')}</div></div>

<h2>Deadlines</h2>
${barChart([{ label: 'First response met', value: s.sla.firstResponseMetPct }, { label: 'Regulatory met', value: s.sla.regulatoryMetPct }], 'Deadlines met (%)', 100, '%')}
${tbl('sla')}${tbl('times')}

<h2>Satisfaction</h2>
${barChart(Object.entries(s.csat.distribution).map(([k, n]) => ({ label: `score ${k}`, value: n })), 'Score distribution')}
${tbl('csat')}${tbl('csat_distribution')}

<h2>Causes and complainants</h2>
${tbl('top_causes')}${tbl('root_causes')}${tbl('repeat_complainants')}

<h2 id="monthly">${lang === 'zh' ? '月报' : 'Monthly summary'} — ${esc(data.month.label)} <a href="${basePath}?${qs({ lang: otherLang })}#monthly">${otherLang === 'zh' ? '中文' : 'English'}</a></h2>
${tbl(`monthly_${lang}`)}${tbl(`monthly_cross_${lang}`)}
</main></body></html>`;
}
