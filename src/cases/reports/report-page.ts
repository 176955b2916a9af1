import type { ReportRange } from './report-range.js';
import { DIMENSION_KEYS, DIMENSION_LABELS, TIME_DIMENSIONS, dimensionName, reportTables, type ReportData, type ReportTable } from './report-tables.js';
import { t, type MessageKey } from '../../dialogs/i18n.js';
import type { Lang } from '../../dialogs/types.js';

const esc = (s: string | number | null) =>
  String(s ?? '—').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#475569', '#0d9488', '#a16207', '#9333ea'];

/** Stacked columns: one per period, one colour per value of the dimension. */
function stackedChart(table: ReportTable, labels: Record<string, Record<Lang, string>>, lang: Lang, title: string): string {
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
          return `<rect x="${40 + i * (bw + 2)}" y="${y.toFixed(1)}" width="${bw}" height="${bh.toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"><title>${esc(String(r[0]))} · ${esc(labels[keys[k]!]?.[lang] ?? keys[k]!)}: ${n}</title></rect>`;
        })
        .join('');
    })
    .join('');
  const legend = keys
    .map((k, i) => `<span class="key"><i style="background:${PALETTE[i % PALETTE.length]}"></i>${esc(labels[k]?.[lang] ?? k)}</span>`)
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

function tableHtml(table: ReportTable, csvHref: string, lang: Lang): string {
  const head = (table.headers ?? table.columns).map((c) => `<th>${esc(c)}</th>`).join('');
  const body = table.rows.length
    ? table.rows.map((r, i) => `<tr>${r.map((v, k) => `<td>${esc(k === 0 ? (table.rowNames?.[i] ?? v) : v)}</td>`).join('')}</tr>`).join('')
    : `<tr><td colspan="${table.columns.length}">${esc(t(lang, 'report_no_data'))}</td></tr>`;
  return `<section class="table" id="t-${esc(table.id)}"><h3>${esc(table.title)} <a class="csv" href="${esc(csvHref)}" download>CSV</a></h3><table data-table="${esc(table.id)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></section>`;
}

const CSS = `body{font:14px system-ui,sans-serif;margin:0;color:#111}header{background:#1e293b;color:#fff;padding:10px 20px}header a{color:#cbd5e1}main{padding:16px 20px;max-width:1100px}
form.range{display:flex;gap:8px;align-items:end;margin-bottom:16px}form.range label{display:flex;flex-direction:column;font-size:12px}
.kpis{display:flex;gap:12px;flex-wrap:wrap}.kpi{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:130px}.kpi b{display:block;font-size:20px}
table{border-collapse:collapse;margin:6px 0 18px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:13px}th{background:#f1f5f9}
figure{margin:8px 0 16px}figcaption{font-size:12px;color:#555}.legend{font-size:11px}.key{margin-right:8px}.key i{display:inline-block;width:10px;height:10px;margin-right:3px}
a.csv{font-size:11px;margin-left:8px}.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}@media(max-width:800px){.grid{grid-template-columns:1fr}}`;

const day = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/**
 * The whole `/staff/reports` page, server-rendered; charts are inline SVG. Every text on it is in
 * `lang` (the bank's complaints staff read Chinese or English); ids (taxonomy codes, intake
 * channels, customer ids) stay as they are, so they match the CSV and the API.
 */
export function reportsPage(opts: { data: ReportData; range: ReportRange; timeZone: string; lang: Lang; basePath: string }): string {
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
  const tbl = (id: string) => tableHtml(byId.get(id)!, csv(id), lang);
  const tr = (key: MessageKey, vars?: Record<string, string | number>) => t(lang, key, vars);
  const kpi = (label: string, value: string | number | null, id: string) => `<div class="kpi" data-kpi="${id}">${esc(label)}<b>${esc(value)}</b></div>`;
  const otherLang = lang === 'zh' ? 'en' : 'zh';
  // The other language by its own name, as a reader of it looks for it.
  const otherLangName = otherLang === 'zh' ? '中文' : 'English';

  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(tr('report_page_title'))}</title><style>${CSS}</style></head><body>
<header><a href="/staff">${esc(tr('report_nav_queue'))}</a> · <strong>${esc(tr('report_nav_reports'))}</strong> · <a class="lang" href="${basePath}?${qs({ lang: otherLang })}">${otherLangName}</a></header>
<main>
<h1>${esc(tr('report_heading'))}</h1>
<form class="range" method="get" action="${basePath}"><label>${esc(tr('report_range_from'))}<input type="date" name="from" value="${from}" required></label><label>${esc(tr('report_range_to'))}<input type="date" name="to" value="${to}" required></label><input type="hidden" name="lang" value="${lang}"><button type="submit">${esc(tr('report_range_show'))}</button></form>
<div class="kpis">${kpi(tr('report_kpi_total'), s.total, 'total')}${kpi(tr('report_kpi_reviews'), s.reviews, 'reviews')}${kpi(tr('report_kpi_first_response_met'), s.sla.firstResponseMetPct, 'firstResponseMetPct')}${kpi(tr('report_kpi_regulatory_met'), s.sla.regulatoryMetPct, 'regulatoryMetPct')}${kpi(tr('report_kpi_decided_late'), s.sla.regulatoryDecidedLate, 'regulatoryDecidedLate')}${kpi(tr('report_kpi_open_past_deadline'), s.sla.regulatoryOpenPastDue, 'regulatoryOpenPastDue')}${kpi(tr('report_kpi_median_first_response'), s.sla.medianHoursToFirstResponse, 'medianFirst')}${kpi(tr('report_kpi_median_decision'), s.sla.medianHoursToDecision, 'medianDecision')}${kpi(tr('report_kpi_csat_average', { n: s.csat.scored }), s.csat.average, 'csatAverage')}${kpi(tr('report_kpi_response_rate', { n: s.csat.sent }), s.csat.responseRate, 'responseRate')}${kpi(tr('report_kpi_solved_rate', { n: s.csat.solvedAnswered }), s.csat.solvedRate, 'solvedRate')}</div>

<h2>${esc(tr('report_section_over_time'))}</h2>
${TIME_DIMENSIONS.map((d) => stackedChart(byId.get(`over_time_${d}`)!, DIMENSION_LABELS[d], lang, tr('report_chart_over_time', { dimension: dimensionName(d, lang) })) + tbl(`over_time_${d}`)).join('\n')}

<h2>${esc(tr('report_section_breakdown'))}</h2>
<div class="grid">${TIME_DIMENSIONS.map((d) => `<div>${barChart(DIMENSION_KEYS[d].map((k) => ({ label: DIMENSION_LABELS[d][k]![lang], value: s.counts[d][k] ?? 0 })), tr('report_chart_by', { dimension: dimensionName(d, lang) }))}${tbl(`by_${d}`)}</div>`).join('')}<div>${tbl('by_intake_channel')}</div></div>

<h2>${esc(tr('report_section_deadlines'))}</h2>
${barChart([{ label: tr('report_chart_first_response_met'), value: s.sla.firstResponseMetPct }, { label: tr('report_chart_regulatory_met'), value: s.sla.regulatoryMetPct }], tr('report_chart_deadlines'), 100, '%')}
${tbl('sla')}${tbl('times')}

<h2>${esc(tr('report_section_satisfaction'))}</h2>
${barChart(Object.entries(s.csat.distribution).map(([k, n]) => ({ label: tr('report_chart_score', { score: k }), value: n })), tr('report_chart_scores'))}
${tbl('csat')}${tbl('csat_distribution')}

<h2>${esc(tr('report_section_causes'))}</h2>
${tbl('top_causes')}${tbl('root_causes')}${tbl('repeat_complainants')}

<h2 id="monthly">${esc(tr('report_section_monthly'))} — ${esc(data.month.label)} <a href="${basePath}?${qs({ lang: otherLang })}#monthly">${otherLangName}</a></h2>
${tbl(`monthly_${lang}`)}${tbl(`monthly_cross_${lang}`)}
</main></body></html>`;
}
